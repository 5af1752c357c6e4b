package dev.cutover.ui.connections;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.ui.Problems;
import dev.cutover.control.RedisLink;

import java.sql.Connection;

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

    /** PING and INFO server on a new connection (the process's Lettuce client for that URL is shared, see control.RedisLink). */
    public static Result redis(String url) {
        long t0 = System.nanoTime();
        try (RedisLink link = RedisLink.open(url)) {
            long connectMs = (System.nanoTime() - t0) / 1_000_000;
            long p0 = System.nanoTime();
            String pong = link.sync().ping();
            double ms = (System.nanoTime() - p0) / 1_000_000.0;
            String version = "?";
            for (String line : link.sync().info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    version = line.substring("redis_version:".length()).strip();
                }
            }
            return new Result(true, String.format(java.util.Locale.ROOT, "Redis %s · %s in %.1f ms · connect %d ms",
                    version, pong, ms, connectMs), null);
        } catch (Exception e) {
            String msg = Problems.oneLine(e);
            return new Result(false, msg.startsWith("cannot reach Redis") ? msg
                    : "cannot reach Redis at " + RedisLink.safeUrl(url) + ": " + msg, e);
        }
    }
}
