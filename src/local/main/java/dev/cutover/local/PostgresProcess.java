package dev.cutover.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL server of its own (the twin of {@link RedisProcess}): {@code initdb} into a
 * folder, then {@code postgres} on a free port of 127.0.0.1, so tests and the demo never touch the
 * machine's own PostgreSQL, its {@code /etc} or its services. The server binaries are found with
 * {@code pg_config --bindir}, else in the newest {@code /usr/lib/postgresql/<version>/bin}, else on
 * the {@code PATH} (Debian's {@code postgresql-<version>} package provides them).
 *
 * <p>Logins need a password (SCRAM, over TCP and the socket alike): superuser {@value #USER} with
 * a generated password kept in {@code dir/password} (0600). The server's output goes to
 * {@code dir/postgres.log}.
 *
 * <p>PostgreSQL refuses to run as root. When this process is root, the server runs as the
 * unprivileged {@code postgres} user (or {@code nobody} where there is none) through
 * {@code setpriv}, and its cluster lives in a private folder of that user under the temporary
 * folder (root's home, where a checkout usually is, is closed to other users); {@code dir} then
 * records where ({@code dir/cluster-location}). Otherwise the cluster is {@code dir/data} and the
 * socket folder {@code dir/socket}.
 */
public final class PostgresProcess implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PostgresProcess.class);

    /** The superuser every server is made with. */
    public static final String USER = "cutover";
    private static final String PASSWORD_FILE = "password";
    private static final String LOCATION_FILE = "cluster-location";
    private static final String LOG_FILE = "postgres.log";
    private static final long START_TIMEOUT_MS = 90_000;
    private static final long STOP_TIMEOUT_MS = 60_000;
    private static final int SOCKET_PATH_MAX = 100; // sun_path is 108 bytes, with "/.s.PGSQL.NNNNN" after the folder

    private final Path dir;
    private final Path home;
    private final Path bindir;
    private final Optional<String> runAs;
    private final String password;
    private final Map<String, String> settings;
    private int port;
    private Process process;
    private Thread shutdownHook;

    private PostgresProcess(Path dir, Path home, Path bindir, Optional<String> runAs, String password, Map<String, String> settings) {
        this.dir = dir;
        this.home = home;
        this.bindir = bindir;
        this.runAs = runAs;
        this.password = password;
        this.settings = settings;
    }

    /**
     * Starts a server on the cluster in {@code dir}, made there first (initdb) when {@code dir}
     * holds none, on a free port. {@code settings} are server settings ({@code -c name=value}),
     * e.g. {@code fsync=off}, {@code wal_level=logical}, {@code max_connections=200}. A server a
     * killed process left running on the same cluster is stopped first. The server is stopped when
     * this JVM exits, if not before.
     */
    public static PostgresProcess start(Path dir, Map<String, String> settings) throws IOException {
        Path abs = OwnerOnly.directory(dir).toAbsolutePath();
        Path bindir = serverBinaries();
        Optional<String> runAs = isRoot() ? Optional.of(unprivilegedUser()) : Optional.empty();
        Path home = clusterHome(abs, runAs);
        Path data = home.resolve("data");
        Path passwordFile = abs.resolve(PASSWORD_FILE);
        stopLeftover(data);
        String password;
        if (Files.isRegularFile(data.resolve("PG_VERSION"))) {
            if (!Files.isRegularFile(passwordFile)) {
                throw new IOException("the PostgreSQL cluster in " + data + " has no password file " + passwordFile
                        + "; delete " + abs + " to make a new one");
            }
            password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } else {
            password = generatePassword();
            OwnerOnly.write(passwordFile, password + "\n");
            initdb(bindir, home, data, runAs, password, abs.resolve(LOG_FILE));
        }
        PostgresProcess p = new PostgresProcess(abs, home, bindir, runAs, password, new LinkedHashMap<>(settings));
        p.launch();
        return p;
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres?user=cutover&password=…}: the superuser on the maintenance database. */
    public String adminUrl() {
        return url("postgres");
    }

    /** The superuser's URL of another database on this server. */
    public String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + USER + "&password=" + password;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public synchronized int port() {
        return port;
    }

    /** The folder given to {@link #start}: password file, server log (and the cluster, unless run as root). */
    public Path dir() {
        return dir;
    }

    /** The cluster's data folder. */
    public Path dataDir() {
        return home.resolve("data");
    }

    /** The server's log file. */
    public Path logFile() {
        return dir.resolve(LOG_FILE);
    }

    /** The postmaster's process id, or -1 when it is not running. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Stops the server (fast shutdown: open sessions are ended) and waits until it has exited. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        stopProcess(p.toHandle(), p);
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what is stopping us
            }
            shutdownHook = null;
        }
    }

    /** Stops the server and deletes its cluster, password and log: nothing of it is left on disk. */
    public synchronized void stopAndDelete() {
        stop();
        try {
            deleteTree(home);
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /**
     * Stops a server a killed process left running on the cluster of {@code dir} (as {@link #start}
     * would do) without starting one; returns whether there was one.
     */
    public static boolean stopLeftoverIn(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        Path loc = abs.resolve(LOCATION_FILE);
        Path home = Files.isRegularFile(loc) ? Path.of(Files.readString(loc, StandardCharsets.UTF_8).strip()) : abs;
        return stopLeftover(home.resolve("data"));
    }

    /** Deletes {@code dir} and the cluster it records, after {@link #stopLeftoverIn}. */
    public static void deleteLeftover(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath();
        stopLeftoverIn(abs);
        Path loc = abs.resolve(LOCATION_FILE);
        if (Files.isRegularFile(loc)) {
            deleteTree(Path.of(Files.readString(loc, StandardCharsets.UTF_8).strip()));
        }
        deleteTree(abs);
    }

    // ---------------------------------------------------------------------------------------------

    /**
     * Stops the server (fast shutdown) and starts it again on the same port and cluster: what a
     * client sees of a server restart (its sessions ended, refused connections meanwhile).
     */
    public synchronized void restart() throws IOException {
        stop();
        launch(port);
    }

    private synchronized void launch() throws IOException {
        launch(0);
    }

    /** Starts the server on {@code fixedPort}, or on a free port when 0 (tried again on another if it was taken meanwhile). */
    private synchronized void launch(int fixedPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            port = fixedPort > 0 ? fixedPort : freePort();
            List<String> cmd = new ArrayList<>(List.of(bindir.resolve("postgres").toString(), "-D", dataDir().toString(),
                    "-p", String.valueOf(port), "-c", "listen_addresses=127.0.0.1"));
            Path socket = home.resolve("socket");
            if (socket.toString().length() <= SOCKET_PATH_MAX) {
                Files.createDirectories(socket);
                chown(socket, runAs);
                cmd.addAll(List.of("-c", "unix_socket_directories=" + socket));
            } else {
                cmd.addAll(List.of("-c", "unix_socket_directories=")); // too long a path for a socket: TCP only
            }
            settings.forEach((k, v) -> cmd.addAll(List.of("-c", k + "=" + v)));
            Process p = new ProcessBuilder(ownSession(asUser(cmd, runAs))).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
            try {
                awaitReady(p);
                process = p;
                shutdownHook = new Thread(this::stop, "postgres-stop-" + port);
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                log.info("PostgreSQL started on 127.0.0.1:{} (cluster {}, log {})", port, dataDir(), logFile());
                return;
            } catch (IOException e) {
                stopProcess(p.toHandle(), p);
                last = e;
                if (!tail(logFile()).contains("could not bind")) {
                    throw e;
                }
                // another process took the port between our probe and the server's bind: another port
            }
        }
        throw last;
    }

    private void awaitReady(Process p) throws IOException {
        long end = System.currentTimeMillis() + START_TIMEOUT_MS;
        Properties props = new Properties();
        props.setProperty("user", USER);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "5");
        props.setProperty("loginTimeout", "5");
        String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
        SQLException lastError = null;
        while (System.currentTimeMillis() < end) {
            if (!p.isAlive()) {
                throw new IOException("PostgreSQL did not start (exit " + p.exitValue() + "; log " + logFile() + "): "
                        + tail(logFile()));
            }
            try (Connection c = DriverManager.getConnection(url, props)) {
                return;
            } catch (SQLException e) {
                lastError = e;
            }
            sleep(100);
        }
        throw new IOException("PostgreSQL on port " + port + " did not accept a login within " + START_TIMEOUT_MS / 1000
                + " s (" + (lastError == null ? "" : lastError.getMessage()) + "; log " + logFile() + ")");
    }

    private static void initdb(Path bindir, Path home, Path data, Optional<String> runAs, String password, Path logFile)
            throws IOException {
        Path pwfile = home.resolve("initdb-password");
        OwnerOnly.write(pwfile, password + "\n");
        chown(pwfile, runAs);
        try {
            List<String> cmd = List.of(bindir.resolve("initdb").toString(), "-D", data.toString(), "-U", USER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
                    "--no-instructions");
            Process p = new ProcessBuilder(asUser(cmd, runAs)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new IOException("initdb into " + data + " took more than 120 s (log " + logFile + ")");
            }
            if (p.exitValue() != 0) {
                throw new IOException("initdb into " + data + " failed (exit " + p.exitValue() + "; log " + logFile + "): "
                        + tail(logFile));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while initdb ran into " + data, e);
        } finally {
            Files.deleteIfExists(pwfile);
        }
    }

    /** The folder that holds the cluster ({@code data}) and the socket folder: {@code dir}, or (as root) a private folder of the server's user. */
    private static Path clusterHome(Path dir, Optional<String> runAs) throws IOException {
        if (runAs.isEmpty()) {
            return dir;
        }
        Path loc = dir.resolve(LOCATION_FILE);
        if (Files.isRegularFile(loc)) {
            Path home = Path.of(Files.readString(loc, StandardCharsets.UTF_8).strip());
            if (Files.isDirectory(home.resolve("data"))) {
                return home;
            }
        }
        Path home = Files.createTempDirectory("cutover-pg-", java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                OwnerOnly.DIR));
        chown(home, runAs);
        OwnerOnly.write(loc, home + "\n");
        return home;
    }

    /** Stops a postmaster still running on {@code data} (its postmaster.pid names a live postgres process). */
    private static boolean stopLeftover(Path data) {
        Path pidFile = data.resolve("postmaster.pid");
        long pid;
        try {
            if (!Files.isRegularFile(pidFile)) {
                return false;
            }
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return false;
            }
            pid = Long.parseLong(lines.get(0).strip());
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive() || !h.get().info().command().orElse("").contains("postgres")) {
            return false;
        }
        log.info("stopping PostgreSQL {} left running on {}", pid, data);
        stopProcess(h.get(), null);
        return true;
    }

    /** Fast shutdown (SIGINT), then immediate (SIGQUIT), then SIGKILL; waits for the exit. */
    private static void stopProcess(ProcessHandle h, Process p) {
        String[] signals = {"INT", "QUIT"};
        for (String sig : signals) {
            if (!h.isAlive()) {
                break;
            }
            signal(h.pid(), sig);
            if (waitExit(h, STOP_TIMEOUT_MS / signals.length)) {
                break;
            }
            log.warn("PostgreSQL {} did not stop on SIG{}", h.pid(), sig);
        }
        if (h.isAlive()) {
            h.destroyForcibly();
            waitExit(h, 10_000);
        }
        if (p != null) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean waitExit(ProcessHandle h, long millis) {
        try {
            h.onExit().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        }
    }

    private static void signal(long pid, String sig) {
        try {
            // the shell's kill builtin: no dependency on procps
            new ProcessBuilder("sh", "-c", "kill -" + sig + " " + pid + " 2>/dev/null").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            log.warn("cannot signal PostgreSQL {}: {}", pid, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The command in a session of its own (setsid execs: the pid stays the server's): a Ctrl-C in the
     * terminal goes to the foreground process group, and must reach the program that owns the server,
     * which stops it when it is done with it, not the server at the same moment.
     */
    private static List<String> ownSession(List<String> cmd) {
        if (!Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            return cmd;
        }
        List<String> full = new ArrayList<>(List.of("/usr/bin/setsid"));
        full.addAll(cmd);
        return full;
    }

    /** The command, run as {@code user} (setpriv: exec, no intermediate process, so the pid is the server's). */
    private static List<String> asUser(List<String> cmd, Optional<String> runAs) {
        if (runAs.isEmpty()) {
            return cmd;
        }
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=" + runAs.get(), "--regid=" + primaryGroup(runAs.get()),
                "--init-groups", "--reset-env", "--"));
        full.addAll(cmd);
        return full;
    }

    private static void chown(Path p, Optional<String> runAs) throws IOException {
        if (runAs.isEmpty()) {
            return;
        }
        UserPrincipalLookupService users = p.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = users.lookupPrincipalByName(runAs.get());
        GroupPrincipal group = users.lookupPrincipalByGroupName(primaryGroup(runAs.get()));
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
        view.setOwner(user);
        view.setGroup(group);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name")) || uid() == 0;
    }

    private static long uid() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return ((Number) uid).longValue();
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    /** {@code postgres} where the machine has that user (Debian's postgresql-common makes it), else {@code nobody}. */
    private static String unprivilegedUser() throws IOException {
        for (String u : List.of("postgres", "nobody")) {
            if (passwdEntry(u).isPresent()) {
                return u;
            }
        }
        throw new IOException("running as root and the machine has neither a 'postgres' nor a 'nobody' user to run PostgreSQL as");
    }

    private static Optional<String[]> passwdEntry(String user) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/etc/passwd"))) {
            return lines.map(l -> l.split(":")).filter(f -> f.length >= 4 && f[0].equals(user)).findFirst();
        }
    }

    private static String primaryGroup(String user) {
        try {
            String gid = passwdEntry(user).orElseThrow()[3];
            try (Stream<String> lines = Files.lines(Path.of("/etc/group"))) {
                return lines.map(l -> l.split(":")).filter(f -> f.length >= 3 && f[2].equals(gid)).map(f -> f[0])
                        .findFirst().orElse(gid);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pg_config --bindir} when it has the server, else the newest /usr/lib/postgresql/N/bin, else the PATH. */
    static Path serverBinaries() throws IOException {
        try {
            Process p = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && hasServer(Path.of(out))) {
                return Path.of(out);
            }
        } catch (IOException e) {
            // no pg_config
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (DirectoryStream<Path> versions = Files.newDirectoryStream(debian)) {
                List<Path> found = new ArrayList<>();
                versions.forEach(v -> {
                    if (v.getFileName().toString().matches("\\d+") && hasServer(v.resolve("bin"))) {
                        found.add(v.resolve("bin"));
                    }
                });
                Optional<Path> newest = found.stream().max(Comparator.comparingInt(
                        b -> Integer.parseInt(b.getParent().getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && hasServer(Path.of(d))) {
                return Path.of(d);
            }
        }
        throw new IOException("no PostgreSQL server binaries (initdb, postgres) found via pg_config, in /usr/lib/postgresql/*/bin"
                + " or on the PATH; install them (Debian: apt-get install postgresql-15)");
    }

    private static boolean hasServer(Path bin) {
        return Files.isExecutable(bin.resolve("postgres")) && Files.isExecutable(bin.resolve("initdb"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String generatePassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom rnd = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** The last lines of a log, on one line, for an error message. */
    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
