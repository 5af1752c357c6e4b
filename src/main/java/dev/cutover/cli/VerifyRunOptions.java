package dev.cutover.cli;

import dev.cutover.control.Phase;
import dev.cutover.sql.Direction;
import dev.cutover.verify.RedisSummary;
import dev.cutover.verify.VerifyOptions;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Options shared by {@code verify} and {@code repair} (a picocli mixin), and the choice of direction. */
public final class VerifyRunOptions {
    @Option(names = "--table", paramLabel = "T", description = "only this table (target or source name); repeatable")
    List<String> tables = new ArrayList<>();

    @Option(names = "--direction", paramLabel = "forward|reverse",
            description = "forward: old (after the mapping) is the truth, compared with new; reverse: new (through reverse) "
                    + "is the truth, compared with old. Default: from the phase in Redis (reverse from new_primary on), "
                    + "forward without Redis")
    String direction;

    @Option(names = "--workers", paramLabel = "N", description = "chunks compared at once (default 1; each holds one connection per side)")
    int workers = 1;

    @Option(names = "--max-rows-per-sec", paramLabel = "N", description = "cap on rows read per second per side (default: no cap)")
    long maxRowsPerSec;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "rows per chunk (default 20000)")
    int chunkRows = 20_000;

    /** The direction and a one-line note saying where it came from. */
    record Chosen(Direction direction, String why) {
    }

    Chosen direction(Connections conn, String migration) {
        if (direction != null) {
            return switch (direction.toLowerCase(Locale.ROOT)) {
                case "forward" -> new Chosen(Direction.FORWARD, "given");
                case "reverse" -> new Chosen(Direction.REVERSE, "given");
                default -> throw new UserError("--direction must be forward or reverse (got " + direction + ")");
            };
        }
        if (conn.redisUrl == null && System.getenv("CUTOVER_REDIS_URL") == null) {
            return new Chosen(Direction.FORWARD, "no Redis given, so the old database is taken as the truth");
        }
        Optional<Phase> p = RedisSummary.phase(conn.redisUrl(), migration);
        if (p.isEmpty()) {
            return new Chosen(Direction.FORWARD, "no phase set in Redis yet");
        }
        return new Chosen(RedisSummary.direction(p.get()), "phase " + p.get().wireName());
    }

    VerifyOptions options(Direction d, int sample) {
        if (workers < 1 || workers > 64) {
            throw new UserError("--workers must be 1..64 (got " + workers + ")");
        }
        if (chunkRows < 2) {
            throw new UserError("--chunk-rows must be at least 2 (got " + chunkRows + ")");
        }
        if (maxRowsPerSec < 0) {
            throw new UserError("--max-rows-per-sec must not be negative");
        }
        if (sample < 0) {
            throw new UserError("--sample must be a positive number of rows");
        }
        return VerifyOptions.defaults(d).withTables(tables).withWorkers(workers).withChunkRows(chunkRows)
                .withMaxRowsPerSec(maxRowsPerSec).withSample(sample);
    }

    boolean hasRedis(Connections conn) {
        return conn.redisUrl != null || System.getenv("CUTOVER_REDIS_URL") != null;
    }
}
