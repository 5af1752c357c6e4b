package dev.cutover.demo;

import dev.cutover.local.PostgresProcess;
import dev.cutover.local.RedisProcess;
import dev.cutover.io.DataDir;
import dev.cutover.io.PrivateFiles;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;

/**
 * The demo's own servers, for {@code cutover demo} without {@code --old/--new/--server/--redis}:
 * two PostgreSQL servers (the old and the new database on separate servers, as in production)
 * and a Redis, kept in the user's data folder ({@code $XDG_DATA_HOME/cutover/demo}, else
 * {@code ~/.local/share/cutover/demo}, 0700): {@code old/} and {@code new/} ({@link PostgresProcess},
 * each with its generated password, 0600) and {@code redis/} ({@link RedisProcess}, append-only
 * file, generated password in {@code redis/password}). The clusters are made on the first run and
 * reused after it; servers a killed run left running are stopped first. {@link #close} stops them
 * (and so does a JVM shutdown: PostgresProcess's hook). {@link #reset} removes it all.
 */
public final class DemoServers implements AutoCloseable {
    /**
     * Server settings of the demo's PostgreSQL: throwaway data, so no fsync; room for the sample's
     * pools and the console; logical decoding, so change capture ({@code cutover sync}) can run.
     */
    static final Map<String, String> PG_SETTINGS = Map.of("fsync", "off", "synchronous_commit", "off",
            "full_page_writes", "off", "max_connections", "300", "wal_level", "logical");

    private final Path home;
    private final PostgresProcess oldServer;
    private final PostgresProcess newServer;
    private final RedisProcess redis;

    private DemoServers(Path home, PostgresProcess oldServer, PostgresProcess newServer, RedisProcess redis) {
        this.home = home;
        this.oldServer = oldServer;
        this.newServer = newServer;
        this.redis = redis;
    }

    /** {@code $XDG_DATA_HOME/cutover/demo}, else {@code ~/.local/share/cutover/demo}. */
    public static Path defaultHome() {
        return DataDir.user().resolve("demo");
    }

    /** Whether {@code home} holds the clusters of an earlier run. */
    public static boolean exists(Path home) {
        return Files.isDirectory(home.resolve("old")) || Files.isDirectory(home.resolve("new"));
    }

    /** Starts the three servers (the two PostgreSQL at the same time), making the clusters on the first run. */
    public static DemoServers start(Path home) throws IOException {
        Path dir = PrivateFiles.createDirectories(home);
        CompletableFuture<PostgresProcess> oldF = CompletableFuture.supplyAsync(() -> startPostgres(dir.resolve("old")));
        CompletableFuture<PostgresProcess> newF = CompletableFuture.supplyAsync(() -> startPostgres(dir.resolve("new")));
        PostgresProcess oldPg = null;
        PostgresProcess newPg = null;
        RedisProcess redis = null;
        try {
            redis = RedisProcess.startIn(dir.resolve("redis"), password(dir.resolve("redis")),
                    List.of("--appendonly", "yes", "--appendfsync", "everysec"));
            oldPg = join(oldF);
            newPg = join(newF);
            // no shutdown hook for Redis: the demo stops it after its report (Ctrl-C, SIGTERM and
            // SIGHUP all end the demo through its own path); after a SIGKILL the next run stops it
            return new DemoServers(dir, oldPg, newPg, redis);
        } catch (IOException | RuntimeException e) {
            stopQuietly(oldPg != null ? oldPg : oldF.exceptionally(t -> null).join());
            stopQuietly(newPg != null ? newPg : newF.exceptionally(t -> null).join());
            if (redis != null) {
                redis.stop();
            }
            throw e;
        }
    }

    private static PostgresProcess startPostgres(Path dir) {
        try {
            return PostgresProcess.start(dir, PG_SETTINGS);
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static PostgresProcess join(CompletableFuture<PostgresProcess> f) throws IOException {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void stopQuietly(PostgresProcess p) {
        if (p != null) {
            p.stop();
        }
    }

    /** The Redis password kept in {@code dir/password} (0600), made on the first run. */
    private static String password(Path dir) throws IOException {
        Path file = PrivateFiles.createDirectories(dir).resolve("password");
        if (Files.isRegularFile(file)) {
            String p = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!p.isEmpty()) {
                return p;
            }
        }
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom rnd = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
        }
        PrivateFiles.writeAtomically(file, sb + "\n");
        return sb.toString();
    }

    public Path home() {
        return home;
    }

    /** JDBC URL of the old server's maintenance database (with its password). */
    public String oldServerUrl() {
        return oldServer.adminUrl();
    }

    public String newServerUrl() {
        return newServer.adminUrl();
    }

    public String redisUrl() {
        return redis.url();
    }

    public String redisSafeUrl() {
        return redis.safeUrl();
    }

    /** What to print: where the servers listen, without passwords. */
    public String describe() {
        return "PostgreSQL 127.0.0.1:" + oldServer.port() + " (old) and 127.0.0.1:" + newServer.port() + " (new), Redis "
                + redis.safeUrl();
    }

    /** The processes of the three servers, for tests that check none is left. */
    public List<Long> pids() {
        return List.of(oldServer.pid(), newServer.pid(), redis.pid());
    }

    /** Stops the three servers (PostgreSQL: fast shutdown; Redis: SIGTERM). */
    @Override
    public void close() {
        try {
            redis.stop();
        } finally {
            try {
                oldServer.stop();
            } finally {
                newServer.stop();
            }
        }
    }

    /**
     * Stops anything a killed run left running in {@code home} and deletes the servers and their
     * data (also a cluster PostgresProcess keeps outside {@code home}, as it does when run as root).
     * Returns whether there was anything.
     */
    public static boolean reset(Path home) throws IOException {
        if (!Files.exists(home)) {
            return false;
        }
        for (String side : new String[] {"old", "new"}) {
            if (Files.isDirectory(home.resolve(side))) {
                PostgresProcess.deleteLeftover(home.resolve(side));
            }
        }
        RedisProcess.stopLeftoverIn(home.resolve("redis"));
        try (Stream<Path> walk = Files.walk(home)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
        return true;
    }

    /** The one or two lines the demo prints about its servers. */
    public void sayWhere(PrintWriter out, boolean firstRun) {
        out.printf("demo: %s %s in %s%n", firstRun ? "made its own servers:" : "its own servers:", describe(), home);
        out.printf("demo: they stop when the demo does; 'cutover demo --reset' deletes them (and their data)%n");
        out.flush();
    }
}
