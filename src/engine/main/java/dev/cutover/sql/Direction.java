package dev.cutover.sql;

/** Which way rows flow: old → new through {@code columns}, or new → old through {@code reverse}. */
public enum Direction {
    /** Old (source) database is the truth; rows go old → new. Before new_primary. */
    FORWARD,
    /** New (target) database is the truth; rows go new → old for rollback. From new_primary on. */
    REVERSE
}
