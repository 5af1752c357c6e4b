package dev.cutover.work;

/** One chunk of a table's run, numbered in the ledger ({@code seq}), covering a key range. */
public record Chunk(String table, long seq, KeyRange range) {
    /** The lease id of this chunk (unique within a job and migration). */
    public String leaseId() {
        return table + ":" + seq;
    }

    @Override
    public String toString() {
        return table + " chunk " + seq + " " + range;
    }
}
