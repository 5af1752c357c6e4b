package dev.cutover.work;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Whether a run that stopped on a lost run lock ({@link RunLockLost}) takes the lock again and
 * resumes, and after how long. Progress is the job moving on: this process copied rows in the run,
 * or the ledger records more rows done in the run's tables than after any earlier loss (another
 * process's work counts). Losses without progress wait longer each time ({@link Retry#backoff}), and
 * the run gives up only on a real lack of progress: more than {@link Retry#stepRetries} losses in a
 * row without progress <em>and</em> no progress for at least {@link #PATIENCE}. The count alone is
 * not enough: on a loaded machine the steps before the first chunk (reading both schemas, taking
 * the lock, cutting the first chunk) can each outlast a short-lived session, so a few attempts in a
 * row may copy nothing although the next one will.
 */
public final class LockRetakes {
    /** How long the job may go without progress, its lock lost again and again, before the run gives up. */
    public static final Duration PATIENCE = Duration.ofSeconds(60);

    private final JobOptions options;
    private final LongSupplier nanos;
    private long progressAt;
    private long bestRowsDone = -1;
    private int lostWithoutProgress;

    public LockRetakes(JobOptions options) {
        this(options, System::nanoTime);
    }

    /** With a clock of its own ({@code nanos}, like {@link System#nanoTime}), for tests. */
    LockRetakes(JobOptions options, LongSupplier nanos) {
        this.options = options;
        this.nanos = nanos;
        this.progressAt = nanos.getAsLong();
    }

    /**
     * Records a loss; returns how many milliseconds to wait before taking the lock again (0 right
     * after progress), or -1 when the run should give up and end with the loss.
     */
    public long afterLoss(RunLockLost lost) {
        long now = nanos.getAsLong();
        boolean progress = lost.rowsCopied() > 0 || (bestRowsDone >= 0 && lost.rowsDone() > bestRowsDone);
        bestRowsDone = Math.max(bestRowsDone, lost.rowsDone());
        if (progress) {
            lostWithoutProgress = 0;
            progressAt = now;
            return 0;
        }
        lostWithoutProgress++;
        if (lostWithoutProgress > Retry.stepRetries(options) && now - progressAt >= PATIENCE.toNanos()) {
            return -1;
        }
        return Retry.backoff(options.retryBaseMillis(), lostWithoutProgress);
    }

    /** Losses in a row without progress so far. */
    public int lostWithoutProgress() {
        return lostWithoutProgress;
    }
}
