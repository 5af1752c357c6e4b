package dev.cutover.testing;

import dev.cutover.local.RedisProcess;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

/**
 * Redis for tests. {@link #sharedUrl()} is a private redis-server this test JVM starts the first
 * time a test asks (files under {@code target/test-redis/}, stopped when the JVM exits), or
 * {@code CUTOVER_TEST_REDIS_URL}; each test uses its own migration name, see
 * {@link #uniqueMigration}. Tests that stop, kill or restart Redis start a server of their own with
 * {@link #startPrivate()} (a {@link RedisProcess}) so they never disturb other tests.
 */
public final class TestRedis implements AutoCloseable {
    private final RedisProcess redis;

    private TestRedis(RedisProcess redis) {
        this.redis = redis;
    }

    /** The URL of the Redis the tests share. */
    public static String sharedUrl() {
        return TestServers.redisUrl();
    }

    /** A migration name no other test uses, so keys never clash on the shared Redis. */
    public static String uniqueMigration(String label) {
        return "t-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a private redis-server on a free port (nothing on disk unless extraArgs say so). */
    public static TestRedis startPrivate(String... extraArgs) {
        try {
            return new TestRedis(TestServers.privateRedis(List.of(extraArgs)));
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    public String url() {
        return redis.url();
    }

    public int port() {
        return redis.port();
    }

    public void start() {
        try {
            redis.launch();
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Kills the server (SIGKILL): every client sees a dropped connection. */
    public void kill() {
        redis.kill();
    }

    /** Stops the process with SIGSTOP (it hangs, connections stay open) or resumes it with SIGCONT. */
    public void signal(String sig) {
        try {
            // the shell's kill builtin: no dependency on procps
            new ProcessBuilder("sh", "-c", "kill -" + sig + " " + redis.pid()).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server and deletes its files. */
    @Override
    public void close() {
        redis.close();
        TestServers.deleteTree(redis.dir());
    }
}
