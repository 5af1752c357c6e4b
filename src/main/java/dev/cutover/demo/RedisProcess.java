package dev.cutover.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A private redis-server for the end-to-end proof, so it can be killed and restarted without
 * touching anyone else's Redis. It keeps an append-only file: like a production control-state
 * Redis, a restart must not lose the migration's phase.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private Process process;

    private RedisProcess(int port, Path dir) {
        this.port = port;
        this.dir = dir;
    }

    public static RedisProcess start() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        RedisProcess r = new RedisProcess(port, Files.createTempDirectory("cutover-e2e-redis"));
        r.launch();
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Kills the server (SIGKILL: every client sees a dropped connection) and starts it again on the same port and files. */
    public synchronized void restart() throws IOException {
        kill();
        launch();
    }

    private void launch() throws IOException {
        try {
            process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start redis-server (run scripts/services.sh): " + e.getMessage(), e);
        }
        await(true);
    }

    private void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
            await(false);
        }
    }

    private void await(boolean open) {
        long end = System.nanoTime() + 15_000_000_000L;
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
        throw new IllegalStateException("redis-server on port " + port + " did not " + (open ? "start" : "stop") + " (log: "
                + dir.resolve("redis.log") + ")");
    }

    @Override
    public synchronized void close() {
        kill();
    }
}
