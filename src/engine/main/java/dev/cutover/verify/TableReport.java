package dev.cutover.verify;

/**
 * The outcome of one table: rows compared and differences by kind. {@code lossy} (reverse only):
 * rows that differ only through the plan's lossy reverse mapping — each old row maps forward exactly
 * onto its new row ({@link RoundTrip}) — which are no differences and which a repair leaves alone.
 */
public record TableReport(String table, long rowsCompared, long missingInTarget, long extraInTarget, long different, long lossy) {

    public TableReport(String table, long rowsCompared, long missingInTarget, long extraInTarget, long different) {
        this(table, rowsCompared, missingInTarget, extraInTarget, different, 0);
    }

    public long differences() {
        return missingInTarget + extraInTarget + different;
    }

    public boolean clean() {
        return differences() == 0;
    }
}
