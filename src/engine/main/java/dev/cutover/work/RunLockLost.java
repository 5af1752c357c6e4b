package dev.cutover.work;

import dev.cutover.pg.DbException;

/**
 * A run stopped because its session lost the one-run-per-plan lock (terminated, or its connection
 * lost): it copied nothing more after noticing. Running it again takes the lock again if no other
 * run holds it (and resumes from the ledger), or is refused if one does.
 */
public final class RunLockLost extends DbException {
    private static final long serialVersionUID = 1L;

    private final long rowsCopied;

    public RunLockLost(String message, long rowsCopied) {
        super(message);
        this.rowsCopied = rowsCopied;
    }

    /** Rows this run copied before it stopped: a run that made progress may take the lock again. */
    public long rowsCopied() {
        return rowsCopied;
    }
}
