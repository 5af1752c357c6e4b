package dev.cutover.local;


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
    private static final String PID_FILE = "redis.pid";
    private final int port;
    private final Path dir;
    private final List<String> settings;
    private String password;
    private Path config;
    private boolean ownSession;
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

    /**
     * A server kept in {@code dir} (0700) from one run to the next, on a free port: the demo's own.
     * Its pid goes to {@code dir/redis.pid}; a server that a killed run left running on {@code dir}
     * is stopped first. When {@code password} is given, clients must log in with it (the URL
     * carries it).
     */
    public static RedisProcess startIn(Path dir, String password, List<String> settings) throws IOException {
        Path abs = OwnerOnly.directory(dir);
        stopLeftoverIn(abs);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> all = new ArrayList<>(List.of("--pidfile", abs.resolve(PID_FILE).toString()));
        all.addAll(settings);
        RedisProcess r = new RedisProcess(port, abs, all);
        r.ownSession = true;
        if (password != null) {
            // in a 0600 file, not on the command line where any user's ps would show it
            r.config = abs.resolve("redis.conf");
            OwnerOnly.write(r.config, "requirepass " + password + "\n");
            r.password = password;
        }
        OwnerOnly.file(abs.resolve("redis.log"));
        r.launch();
        return r;
    }

    /**
     * Stops a redis-server that a killed process left running on {@code dir} (its {@code redis.pid}
     * names a live redis-server); returns whether there was one.
     */
    public static boolean stopLeftoverIn(Path dir) {
        Path pidFile = dir.resolve(PID_FILE);
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        var h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().orElse("").contains("redis"));
        if (h.isEmpty()) {
            return false;
        }
        h.get().destroyForcibly(); // its data is the append-only file, written as it goes
        try {
            h.get().onExit().get(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // checked again by the new server's bind
        }
        return true;
    }

    public String url() {
        return password == null ? "redis://127.0.0.1:" + port : "redis://default:" + password + "@127.0.0.1:" + port;
    }

    /** The URL without its password, to print. */
    public String safeUrl() {
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
        List<String> cmd = new ArrayList<>();
        if (ownSession && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            // a session of its own: the terminal's Ctrl-C goes to the demo, which stops the server
            // after its report, not to the server at the same moment (setsid execs: same pid)
            cmd.add("/usr/bin/setsid");
        }
        cmd.add("redis-server");
        if (config != null) {
            cmd.add(config.toString()); // the configuration file must come first
        }
        cmd.addAll(List.of("--port", String.valueOf(port), "--bind", "127.0.0.1",
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

    /** Stops the server cleanly (SIGTERM: it finishes its append-only file and removes its pid file), SIGKILL after 15 s. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    @Override
    public synchronized void close() {
        kill();
    }
}
