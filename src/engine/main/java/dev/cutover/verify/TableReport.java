package dev.cutover.verify;

/** The outcome of one table: rows compared and differences by kind. */
public record TableReport(String table, long rowsCompared, long missingInTarget, long extraInTarget, long different) {

    public long differences() {
        return missingInTarget + extraInTarget + different;
    }

    public boolean clean() {
        return differences() == 0;
    }
}
