package dev.cutover.testing;

import dev.cutover.demo.RedisProcess;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Redis for tests. {@link #sharedUrl()} is the server scripts/services.sh runs (each test
 * uses its own migration name, see {@link #uniqueMigration}). Tests that stop, kill or
 * restart Redis start a private server with {@link #startPrivate()} (a {@link RedisProcess})
 * so they never disturb other tests.
 */
public final class TestRedis implements AutoCloseable {
    private static final String SHARED_URL = System.getenv().getOrDefault(
            "CUTOVER_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final RedisProcess redis;

    private TestRedis(RedisProcess redis) {
        this.redis = redis;
    }

    public static String sharedUrl() {
        return SHARED_URL;
    }

    /** A migration name no other test uses, so keys never clash on the shared Redis. */
    public static String uniqueMigration(String label) {
        return "t-" + label + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts a private redis-server on a free port (nothing on disk unless extraArgs say so). */
    public static TestRedis startPrivate(String... extraArgs) {
        List<String> settings = new ArrayList<>(List.of("--appendonly", "no"));
        settings.addAll(List.of(extraArgs));
        try {
            return new TestRedis(RedisProcess.start("cutover-redis", settings));
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
            new ProcessBuilder("kill", "-" + sig, String.valueOf(redis.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        redis.close();
    }
}
