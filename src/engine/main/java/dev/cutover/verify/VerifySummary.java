package dev.cutover.verify;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.control.Phase;
import dev.cutover.control.VerifiedPair;
import dev.cutover.sql.Direction;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulRedisConnection;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verification summary in the control state (hash {@link ControlKeys#verify}, fields
 * {@link Verify}) and the phase that decides the direction of verify and repair.
 */
public final class VerifySummary {
    private VerifySummary() {
    }

    /**
     * The summary fields of a run, as stored, with what it was of ({@code pair}: both databases'
     * identities and the plan's hash; the guard accepts only a matching one). {@code clean} only
     * for a complete exact run without differences.
     */
    public static Map<String, String> fields(VerifyReport r, VerifiedPair pair) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(Verify.AT, String.valueOf(r.at().toEpochMilli()));
        m.put(Verify.CLEAN, String.valueOf(r.clean()));
        m.put(Verify.ROWS_COMPARED, String.valueOf(r.rowsCompared()));
        m.put(Verify.DIFFERENCES, String.valueOf(r.differences()));
        m.put(Verify.LOSSY, String.valueOf(r.lossy()));
        m.put(Verify.DIRECTION, wire(r.direction()));
        m.put(Verify.SAMPLED, String.valueOf(r.sampled()));
        m.putAll(pair.fields());
        return m;
    }

    /** Replaces the summary hash of the migration with this run's (every field written, so nothing of an earlier run is left). */
    public static void write(String redisUrl, String migration, VerifyReport r, VerifiedPair pair) {
        ControlKeys keys = new ControlKeys(migration);
        withRedis(redisUrl, c -> {
            c.sync().hset(keys.verify(), fields(r, pair));
            return null;
        });
    }

    /**
     * Records that a repair changed rows at {@code atMillis} ({@link Verify#REPAIRED_AT}): the
     * verification stored before it is no longer of what the databases hold (the guard says so);
     * the next verification's {@link Verify#AT} is later and counts again.
     */
    public static void repaired(String redisUrl, String migration, long atMillis) {
        ControlKeys keys = new ControlKeys(migration);
        withRedis(redisUrl, c -> {
            c.sync().hset(keys.verify(), Verify.REPAIRED_AT, String.valueOf(atMillis));
            return null;
        });
    }

    /** The phase in the control state, or empty when none was ever set. */
    public static Optional<Phase> phase(String redisUrl, String migration) {
        ControlKeys keys = new ControlKeys(migration);
        String p = withRedis(redisUrl, c -> c.sync().get(keys.phase()));
        return p == null ? Optional.empty() : Optional.of(Phase.fromWire(p));
    }

    /** The direction the phase implies: reverse (new is the truth) from new_primary on. */
    public static Direction direction(Phase p) {
        return p.newIsTruth() ? Direction.REVERSE : Direction.FORWARD;
    }

    static String wire(Direction d) {
        return d.name().toLowerCase(Locale.ROOT);
    }

    static Direction direction(String wire) {
        return Direction.valueOf(wire.toUpperCase(Locale.ROOT));
    }

    /** One line for a Redis failure: what was being done, and the cause's message (Lettuce wraps the socket error). */
    static dev.cutover.pg.DbException failure(String what, RedisException e) {
        return new dev.cutover.pg.DbException(what + ": "
                + (e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage() : e.getMessage()), e);
    }

    /** A Redis URL for messages: the password masked. */
    static String safeUrl(String url) {
        return url.replaceAll(":[^:@/]*@", ":***@");
    }

    private static <T> T withRedis(String url, java.util.function.Function<StatefulRedisConnection<String, String>, T> f) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return f.apply(c);
        } catch (RedisException e) {
            throw failure("Redis at " + safeUrl(url) + " failed", e);
        } finally {
            client.shutdown();
        }
    }
}
