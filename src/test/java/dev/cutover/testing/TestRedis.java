package dev.cutover.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Redis for tests. {@link #sharedUrl()} is the server scripts/services.sh runs (each test
 * uses its own migration name, see {@link #uniqueMigration}). Tests that stop, kill or
 * restart Redis start a private server with {@link #startPrivate()} so they never disturb
 * other tests.
 */
public final class TestRedis implements AutoCloseable {
    private static final String SHARED_URL = System.getenv().getOrDefault(
            "CUTOVER_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final int port;
    private final Path dir;
    private final List<String> extraArgs;
    private Process process;

    private TestRedis(int port, Path dir, List<String> extraArgs) {
        this.port = port;
        this.dir = dir;
        this.extraArgs = extraArgs;
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
        try {
            Path dir = Files.createTempDirectory("cutover-redis");
            TestRedis r = new TestRedis(freePort(), dir, List.of(extraArgs));
            r.start();
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public synchronized void start() {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(extraArgs);
        try {
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IllegalStateException("redis-server not found (run scripts/services.sh)", e);
        }
        awaitPort(true, Duration.ofSeconds(10));
    }

    /** Kills the server (SIGKILL): every client sees a dropped connection. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        awaitPort(false, Duration.ofSeconds(10));
    }

    /** Stops the process with SIGSTOP (it hangs, connections stay open) or resumes it with SIGCONT. */
    public synchronized void signal(String sig) {
        try {
            new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).inheritIO().start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private void awaitPort(boolean open, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            boolean isOpen;
            try (Socket s = new Socket("127.0.0.1", port)) {
                isOpen = true;
            } catch (IOException e) {
                isOpen = false;
            }
            if (isOpen == open) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("redis on port " + port + " did not " + (open ? "start" : "stop"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
