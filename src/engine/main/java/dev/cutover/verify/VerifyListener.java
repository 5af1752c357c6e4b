package dev.cutover.verify;

import dev.cutover.work.ProgressEvent;
import dev.cutover.work.ProgressListener;

/**
 * What a verification or repair tells as it runs. {@link #onProgress} (from {@link ProgressListener}):
 * about once a second, per table, rows compared out of the estimate by every worker process of the
 * run (read from the ledger), the rate, the time left and the throttle's state (job "verify" or
 * "repair"; tables under their report names). {@link #difference}: each difference this process
 * confirmed, once its chunk is committed (the report and {@link Verifier#eachDifference} hold those
 * of every process). Called from the engine's threads; implementations must be thread-safe and quick.
 */
public interface VerifyListener extends ProgressListener {
    @Override
    default void onProgress(ProgressEvent event) {
    }

    /** A confirmed difference (after its re-check), in no particular order across workers. */
    default void difference(Difference d) {
    }

    VerifyListener NONE = new VerifyListener() {
    };
}
