package dev.cutover.verify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.cutover.control.ControlKeys;
import dev.cutover.sql.Direction;
import dev.cutover.sql.VerifySql;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The verification (or repair) running now, announced in Redis (hash {@link ControlKeys#verifyRun})
 * by the process that started it, so that {@code cutover worker --job verify} can join it: the run's
 * job name, direction, tables, row hash, a fixed chunk size if one was asked for (0: each worker sizes
 * its chunks by time), whether it repairs, and who coordinates it. The hash expires
 * unless its coordinator keeps refreshing it, so a killed verify stops being joinable (and its
 * workers stop) within one expiry time.
 */
record ActiveRun(String job, Direction direction, boolean repair, List<String> tables, VerifySql.Hash hash, int chunkRows,
                 String coordinator, long startedAtMillis) {
    private static final String JOB = "job";
    private static final String DIRECTION = "direction";
    private static final String REPAIR = "repair";
    private static final String TABLES = "tables";
    private static final String HASH = "hash";
    private static final String CHUNK_ROWS = "chunk_rows";
    private static final String COORDINATOR = "coordinator";
    private static final String STARTED_AT = "started_at";
    private static final String CLEAR = "if redis.call('hget', KEYS[1], 'job') == ARGV[1] then return redis.call('del', KEYS[1]) "
            + "else return 0 end";

    ActiveRun {
        tables = List.copyOf(tables);
    }

    void announce(RedisCommands<String, String> redis, ControlKeys keys, long ttlMillis) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(JOB, job);
        h.put(DIRECTION, VerifySummary.wire(direction));
        h.put(REPAIR, String.valueOf(repair));
        try {
            h.put(TABLES, RowDiff.JSON.writeValueAsString(tables));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        h.put(HASH, hash.name().toLowerCase(Locale.ROOT));
        h.put(CHUNK_ROWS, String.valueOf(chunkRows));
        h.put(COORDINATOR, coordinator);
        h.put(STARTED_AT, String.valueOf(startedAtMillis));
        redis.del(keys.verifyRun());
        redis.hset(keys.verifyRun(), h);
        redis.pexpire(keys.verifyRun(), ttlMillis);
    }

    /** Keeps the announcement alive (the coordinator, every progress tick). */
    void refresh(RedisCommands<String, String> redis, ControlKeys keys, long ttlMillis) {
        redis.pexpire(keys.verifyRun(), ttlMillis);
    }

    /** Withdraws the announcement if it is still this run's. */
    void clear(RedisCommands<String, String> redis, ControlKeys keys) {
        redis.eval(CLEAR, ScriptOutputType.INTEGER, new String[] {keys.verifyRun()}, job);
    }

    /** The run announced now, if any. */
    static Optional<ActiveRun> read(RedisCommands<String, String> redis, ControlKeys keys) {
        Map<String, String> h = redis.hgetall(keys.verifyRun());
        if (h == null || h.get(JOB) == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ActiveRun(h.get(JOB), VerifySummary.direction(h.get(DIRECTION)), Boolean.parseBoolean(h.get(REPAIR)),
                    RowDiff.JSON.readValue(h.getOrDefault(TABLES, "[]"), new TypeReference<List<String>>() {
                    }), VerifySql.Hash.valueOf(h.getOrDefault(HASH, "md5").toUpperCase(Locale.ROOT)),
                    Integer.parseInt(h.getOrDefault(CHUNK_ROWS, "0")), h.getOrDefault(COORDINATOR, "?"),
                    Long.parseLong(h.getOrDefault(STARTED_AT, "0"))));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalStateException("unreadable verify run announcement in " + keys.verifyRun() + ": " + h, e);
        }
    }
}
