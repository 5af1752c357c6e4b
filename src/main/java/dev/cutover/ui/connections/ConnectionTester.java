package dev.cutover.ui.connections;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.ui.Problems;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

import java.sql.Connection;
import java.time.Duration;

/** Tests a connection for real and says what it found: server version and latency, or the exact error line. Background threads only. */
public final class ConnectionTester {
    /** What a test found: ok with a description, or the error line. */
    public record Result(boolean ok, String text, Throwable error) {
    }

    private ConnectionTester() {
    }

    /** Connects, reads the catalog with {@link SchemaReader} (so a missing permission shows now, not mid-backfill). */
    public static Result postgres(ConnectionProfile.Role role, String url) {
        long t0 = System.nanoTime();
        try (Connection c = new Db(role.label().toLowerCase(), url).connect()) {
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            Schema s = SchemaReader.read(c);
            return new Result(true, "PostgreSQL " + s.serverVersion() + " · " + s.tables().size() + " tables · connect "
                    + connectMs + " ms", null);
        } catch (Exception e) {
            return new Result(false, Problems.oneLine(e), e);
        }
    }

    /** PING and INFO server on a fresh connection. */
    public static Result redis(String url) {
        RedisClient client = null;
        long t0 = System.nanoTime();
        try {
            RedisURI uri = RedisURI.create(url);
            uri.setTimeout(Duration.ofSeconds(3));
            client = RedisClient.create(uri);
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                long connectMs = (System.nanoTime() - t0) / 1_000_000;
                long p0 = System.nanoTime();
                String pong = c.sync().ping();
                double ms = (System.nanoTime() - p0) / 1_000_000.0;
                String version = "?";
                for (String line : c.sync().info("server").split("\r?\n")) {
                    if (line.startsWith("redis_version:")) {
                        version = line.substring("redis_version:".length()).strip();
                    }
                }
                return new Result(true, String.format(java.util.Locale.ROOT, "Redis %s · %s in %.1f ms · connect %d ms",
                        version, pong, ms, connectMs), null);
            }
        } catch (Exception e) {
            return new Result(false, "cannot reach Redis at " + dev.cutover.ui.Session.safeRedisUrl(url) + ": "
                    + Problems.oneLine(e), e);
        } finally {
            if (client != null) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            }
        }
    }
}
