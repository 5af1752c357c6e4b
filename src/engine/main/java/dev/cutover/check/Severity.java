package dev.cutover.check;

/** How bad a plan-check finding is. Problems and warnings make the check exit 1; notes never do. */
public enum Severity {
    /** The migration would fail or lose data as planned. */
    PROBLEM,
    /** Possible data loss or a risk the DBA must decide on. */
    WARNING,
    /** Worth knowing; nothing to fix. */
    NOTE
}
