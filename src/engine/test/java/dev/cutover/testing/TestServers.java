package dev.cutover.testing;

import dev.cutover.local.PostgresProcess;
import dev.cutover.local.RedisProcess;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The servers of one test JVM, started the first time a test needs them and stopped (their files
 * deleted) when the JVM exits: a PostgreSQL per side ({@link TestDb.Server}) under
 * {@code target/test-pg/<pid>-old|new} and a Redis under {@code target/test-redis/<pid>-shared}.
 * Nothing outside the build folder is touched, no system service used. Servers a killed test JVM
 * left behind are stopped and deleted the next time.
 *
 * <p>{@code CUTOVER_TEST_PG_URL}, {@code CUTOVER_TEST_PG_NEW_URL} and {@code CUTOVER_TEST_REDIS_URL}
 * name servers of your own instead (then nothing is started for them).
 */
final class TestServers {
    /** Settings of the test PostgreSQL servers: fast (no durability: they are thrown away), logical decoding on. */
    static final Map<String, String> PG_SETTINGS;

    static {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("fsync", "off");
        s.put("synchronous_commit", "off");
        s.put("full_page_writes", "off");
        s.put("wal_level", "logical");
        s.put("max_wal_senders", "20");
        s.put("max_replication_slots", "20");
        s.put("max_connections", "200");
        s.put("shared_buffers", "64MB");
        s.put("autovacuum", "off");
        s.put("timezone", "Etc/UTC");
        s.put("log_timezone", "Etc/UTC");
        PG_SETTINGS = Map.copyOf(s);
    }

    private static final long PID = ProcessHandle.current().pid();
    private static final Map<TestDb.Server, PostgresProcess> PG = new EnumMap<>(TestDb.Server.class);
    private static final Map<TestDb.Server, RuntimeException> PG_FAILED = new EnumMap<>(TestDb.Server.class);
    private static RedisProcess redis;
    private static RuntimeException redisFailed;
    private static boolean hookAdded;
    private static boolean reaped;

    private TestServers() {
    }

    /** The build folder ({@code target/}) of the module under test. */
    static Path buildDir() {
        return Path.of(System.getProperty("basedir", "")).toAbsolutePath().resolve("target");
    }

    static String pgAdminUrl(TestDb.Server side) {
        String external = external(side);
        if (external != null) {
            return external;
        }
        return pg(side).adminUrl();
    }

    static String describe(TestDb.Server side) {
        String external = external(side);
        if (external != null) {
            return "(" + (side == TestDb.Server.NEW && env("CUTOVER_TEST_PG_NEW_URL") != null ? "CUTOVER_TEST_PG_NEW_URL" : "CUTOVER_TEST_PG_URL") + ")";
        }
        PostgresProcess p = PG.get(side);
        return p == null ? "(not started)" : "127.0.0.1:" + p.port() + " (log " + p.logFile() + ")";
    }

    static String redisUrl() {
        String external = env("CUTOVER_TEST_REDIS_URL");
        if (external != null) {
            return external;
        }
        return sharedRedis().url();
    }

    private static String external(TestDb.Server side) {
        String old = env("CUTOVER_TEST_PG_URL");
        if (side == TestDb.Server.NEW) {
            String neu = env("CUTOVER_TEST_PG_NEW_URL");
            if (neu != null) {
                return neu;
            }
        }
        return old;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static synchronized PostgresProcess pg(TestDb.Server side) {
        PostgresProcess p = PG.get(side);
        if (p != null) {
            return p;
        }
        RuntimeException failed = PG_FAILED.get(side);
        if (failed != null) {
            throw failed;
        }
        setUp();
        Path dir = buildDir().resolve("test-pg").resolve(PID + "-" + side.name().toLowerCase(java.util.Locale.ROOT));
        try {
            p = PostgresProcess.start(dir, PG_SETTINGS);
        } catch (IOException | RuntimeException e) {
            IllegalStateException ex = new IllegalStateException("cannot start the " + side.name().toLowerCase(java.util.Locale.ROOT)
                    + " side's test PostgreSQL in " + dir + ": " + e.getMessage()
                    + " (scripts/test.sh installs the server binaries; or set CUTOVER_TEST_PG_URL)", e);
            PG_FAILED.put(side, ex);
            throw ex;
        }
        PG.put(side, p);
        return p;
    }

    private static synchronized RedisProcess sharedRedis() {
        if (redis != null) {
            return redis;
        }
        if (redisFailed != null) {
            throw redisFailed;
        }
        setUp();
        try {
            Path dir = buildDir().resolve("test-redis").resolve(PID + "-shared");
            redis = RedisProcess.start(dir, redisSettings(dir));
        } catch (IOException | RuntimeException e) {
            redisFailed = new IllegalStateException("cannot start the tests' Redis: " + e.getMessage()
                    + " (scripts/test.sh installs redis-server; or set CUTOVER_TEST_REDIS_URL)", e);
            throw redisFailed;
        }
        return redis;
    }

    /** A private Redis (its files under target/test-redis/), for {@link TestRedis#startPrivate}. */
    static RedisProcess privateRedis(List<String> extraSettings) throws IOException {
        setUp();
        Path parent = Files.createDirectories(buildDir().resolve("test-redis"));
        Path dir = Files.createTempDirectory(parent, PID + "-private-");
        List<String> settings = new ArrayList<>(redisSettings(dir));
        settings.addAll(extraSettings);
        return RedisProcess.start(dir, settings);
    }

    /**
     * A private PostgreSQL (its cluster under target/test-pg/), with the tests' settings and
     * {@code extraSettings} over them, for {@link TestDb#startPrivateServer}; the caller stops and
     * deletes it.
     */
    static PostgresProcess privatePostgres(Map<String, String> extraSettings) throws IOException {
        setUp();
        Path parent = Files.createDirectories(buildDir().resolve("test-pg"));
        Path dir = Files.createTempDirectory(parent, PID + "-private-");
        Map<String, String> settings = new LinkedHashMap<>(PG_SETTINGS);
        settings.putAll(extraSettings);
        return PostgresProcess.start(dir, settings);
    }

    /** No snapshots, no append-only file unless asked, a pid file so that a leftover can be found. */
    private static List<String> redisSettings(Path dir) {
        return List.of("--appendonly", "no", "--pidfile", dir.resolve("redis.pid").toString());
    }

    /** Once per JVM: the shutdown hook that stops and deletes the servers, and the cleanup of a killed JVM's leftovers. */
    private static synchronized void setUp() {
        if (Boolean.getBoolean("cutover.test.unitOnly")) {
            throw new IllegalStateException("a test started a server in the unit-only run (mvn test -Punit): mark its class @NeedsServers");
        }
        if (!hookAdded) {
            Runtime.getRuntime().addShutdownHook(new Thread(TestServers::stopAll, "test-servers-stop"));
            hookAdded = true;
        }
        if (!reaped) {
            reaped = true;
            reapLeftovers();
        }
    }

    static synchronized void stopAll() {
        for (PostgresProcess p : PG.values()) {
            try {
                p.stopAndDelete();
            } catch (RuntimeException e) {
                System.err.println("test PostgreSQL on port " + p.port() + ": " + e.getMessage());
            }
        }
        PG.clear();
        if (redis != null) {
            redis.close();
            deleteTree(redis.dir());
            redis = null;
        }
    }

    /** Stops and deletes the servers of test JVMs that are gone (killed, so their shutdown hook never ran). */
    private static void reapLeftovers() {
        Path pgRoot = buildDir().resolve("test-pg");
        for (Path d : children(pgRoot)) {
            if (isGone(d)) {
                try {
                    PostgresProcess.deleteLeftover(d);
                } catch (IOException | RuntimeException e) {
                    System.err.println("cannot delete the leftover test PostgreSQL " + d + ": " + e.getMessage());
                }
            }
        }
        for (Path d : children(buildDir().resolve("test-redis"))) {
            if (isGone(d)) {
                stopLeftoverRedis(d.resolve("redis.pid"));
                deleteTree(d);
            }
        }
    }

    private static void stopLeftoverRedis(Path pidFile) {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).filter(h -> h.info().command().orElse("").contains("redis"))
                    .ifPresent(h -> {
                        h.destroyForcibly();
                        h.onExit().join();
                    });
        } catch (IOException | NumberFormatException e) {
            // no pid file: no server
        }
    }

    /** Whether the JVM whose pid starts a leftover folder's name has ended. */
    private static boolean isGone(Path d) {
        String name = d.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash <= 0) {
            return false;
        }
        long pid;
        try {
            pid = Long.parseLong(name.substring(0, dash));
        } catch (NumberFormatException e) {
            return false;
        }
        if (pid == PID) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        return h.isEmpty() || !h.get().isAlive() || !h.get().info().command().orElse("java").contains("java");
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(out::add);
        } catch (IOException e) {
            // nothing to clean
        }
        return out;
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: it is under target/
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
