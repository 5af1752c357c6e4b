package dev.cutover.demo;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A private redis-server on a free port, so it can be killed and restarted without touching
 * anyone else's Redis: the end-to-end proof's (with an append-only file: like a production
 * control-state Redis, a restart must not lose the migration's phase) and the tests'.
 */
public final class RedisProcess implements AutoCloseable {
    private final int port;
    private final Path dir;
    private final List<String> settings;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> settings) {
        this.port = port;
        this.dir = dir;
        this.settings = List.copyOf(settings);
    }

    /** The end-to-end proof's server: append-only file, fsync on every write. */
    public static RedisProcess start() throws IOException {
        return start("cutover-e2e-redis", List.of("--appendonly", "yes", "--appendfsync", "always"));
    }

    /**
     * A server in a new temporary directory named from {@code dirPrefix}, without snapshots, with
     * {@code settings} (redis-server command-line options; a later one wins over an earlier one).
     */
    public static RedisProcess start(String dirPrefix, List<String> settings) throws IOException {
        return start(Files.createTempDirectory(dirPrefix), settings);
    }

    /**
     * A server whose files (log, any append-only file) are in {@code dir} (created if need be), on a
     * free port: when another process takes that port before the server binds it, another port.
     */
    public static RedisProcess start(Path dir, List<String> settings) throws IOException {
        Files.createDirectories(dir);
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            RedisProcess r = new RedisProcess(port, dir, settings);
            try {
                r.launch();
                return r;
            } catch (IllegalStateException e) {
                last = e;
                if (!e.getMessage().contains("Address already in use")) {
                    throw e;
                }
            }
        }
        throw last;
    }

    /** The folder of the server's files: redis.log, any append-only file. */
    public Path dir() {
        return dir;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** The server's process id (for signals such as SIGSTOP/SIGCONT), or -1 when it is not running. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Kills the server (SIGKILL: every client sees a dropped connection) and starts it again on the same port and files. */
    public synchronized void restart() throws IOException {
        kill();
        launch();
    }

    /** Starts the server (again, after {@link #kill}) on the same port and files. */
    public synchronized void launch() throws IOException {
        List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--dir", dir.toString()));
        cmd.addAll(settings);
        try {
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot start redis-server (install it: apt-get install redis-server): " + e.getMessage(), e);
        }
        awaitReady();
    }

    /**
     * Waits until the server says it accepts connections. Not merely until the port is open: a
     * port some other process took in the meantime is open too, and then this server has exited
     * with "Address already in use" in its log.
     */
    private void awaitReady() {
        Path log = dir.resolve("redis.log");
        long end = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < end) {
            String text = "";
            try {
                text = Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                // not yet readable
            }
            if (text.contains("Ready to accept connections")) {
                await(true);
                return;
            }
            if (!process.isAlive()) {
                process = null;
                String[] lines = text.strip().split("\n");
                throw new IllegalStateException("redis-server on port " + port + " exited at start: " + lines[lines.length - 1]
                        + " (log: " + log + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        process.destroyForcibly();
        process = null;
        throw new IllegalStateException("redis-server on port " + port + " did not start within 15 s (log: " + log + ")");
    }

    /** Kills the server (SIGKILL: every client sees a dropped connection) and waits until its port is closed. */
    public synchronized void kill() {
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
