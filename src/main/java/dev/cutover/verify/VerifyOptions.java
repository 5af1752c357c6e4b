package dev.cutover.verify;

import dev.cutover.sql.Direction;

import java.util.List;

/**
 * How a verification (or the comparison of a repair) runs.
 *
 * @param direction      FORWARD compares old (after the mapping) with new; REVERSE new (through reverse) with old
 * @param tables         only these tables (target or source table names), all when empty
 * @param sample         compare only this many random rows per table (0: every row)
 * @param chunkRows      rows per chunk of the key walk
 * @param leafRows       a differing range of at most this many rows is fetched and compared row by row
 * @param workers        chunks compared at once (each worker holds one connection per side)
 * @param maxRowsPerSec  cap on rows hashed per second over all workers (0: no cap)
 */
public record VerifyOptions(Direction direction, List<String> tables, int sample, int chunkRows, int leafRows,
                            int workers, long maxRowsPerSec) {

    public VerifyOptions {
        tables = List.copyOf(tables);
        if (sample < 0 || chunkRows < 2 || leafRows < 1 || workers < 1 || maxRowsPerSec < 0) {
            throw new IllegalArgumentException("sample >= 0, chunk rows >= 2, leaf rows >= 1, workers >= 1, max rows/s >= 0");
        }
    }

    public static VerifyOptions defaults(Direction direction) {
        return new VerifyOptions(direction, List.of(), 0, 20_000, 64, 1, 0);
    }

    public VerifyOptions withTables(List<String> t) {
        return new VerifyOptions(direction, t, sample, chunkRows, leafRows, workers, maxRowsPerSec);
    }

    public VerifyOptions withSample(int n) {
        return new VerifyOptions(direction, tables, n, chunkRows, leafRows, workers, maxRowsPerSec);
    }

    public VerifyOptions withChunkRows(int n) {
        return new VerifyOptions(direction, tables, sample, n, leafRows, workers, maxRowsPerSec);
    }

    public VerifyOptions withLeafRows(int n) {
        return new VerifyOptions(direction, tables, sample, chunkRows, n, workers, maxRowsPerSec);
    }

    public VerifyOptions withWorkers(int n) {
        return new VerifyOptions(direction, tables, sample, chunkRows, leafRows, n, maxRowsPerSec);
    }

    public VerifyOptions withMaxRowsPerSec(long n) {
        return new VerifyOptions(direction, tables, sample, chunkRows, leafRows, workers, n);
    }

    public boolean sampled() {
        return sample > 0;
    }
}
