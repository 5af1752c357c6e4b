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
    private final long rowsDone;

    /**
     * @param rowsCopied rows this process copied in the run
     * @param rowsDone   rows the ledger records as done in the run's tables when it stopped (every process, every run)
     */
    public RunLockLost(String message, long rowsCopied, long rowsDone) {
        super(message);
        this.rowsCopied = rowsCopied;
        this.rowsDone = rowsDone;
    }

    /** Rows this run copied before it stopped: a run that made progress may take the lock again. */
    public long rowsCopied() {
        return rowsCopied;
    }

    /** Rows done in the run's tables as the ledger said when the run stopped: more than the last time means the job moved on. */
    public long rowsDone() {
        return rowsDone;
    }
}
