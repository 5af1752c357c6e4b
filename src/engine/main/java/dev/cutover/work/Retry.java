package dev.cutover.work;

import dev.cutover.pg.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The one retry rule of chunked jobs, by the error's class ({@link Sql#classify}): a lost connection,
 * a deadlock or a server restarting ({@link Sql.Failure#TRANSIENT}) is tried again up to twice the
 * retries, insufficient resources ({@link Sql.Failure#RESOURCES}) up to the retries, anything else
 * never (a row's data, a statement the server refuses, an unknown failure). Waits double from the
 * base up to 10 s, jittered to 50–100 % so that workers hit by the same outage do not return together.
 */
public final class Retry {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);
    private static final long MAX_WAIT_MILLIS = 10_000;
    /**
     * The steps around the chunks (reading the catalogs and the ledger, opening connections) are
     * retried at least this many times, whatever {@code --retries} says of chunks: {@code --retries 0}
     * makes a chunk fail on its first lost connection, not the whole worker on a lost ledger read.
     */
    public static final int STEP_RETRIES_AT_LEAST = 5;

    /** A step that may fail with a database error. */
    @FunctionalInterface
    public interface Step<T> {
        T run() throws Exception;
    }

    private Retry() {
    }

    /** Retries allowed after a failure of this class: 0 for what a retry cannot cure. */
    public static int limit(Sql.Failure kind, int retries) {
        return switch (kind) {
            case TRANSIENT -> 2 * retries;
            case RESOURCES -> retries;
            default -> 0;
        };
    }

    /** Retries of a step around the chunks: the chunks' retries, at least {@link #STEP_RETRIES_AT_LEAST}. */
    public static int stepRetries(JobOptions options) {
        return Math.max(options.retries(), STEP_RETRIES_AT_LEAST);
    }

    /** The wait after failure number {@code failure} (1-based). */
    public static long backoff(long baseMillis, int failure) {
        long full = Math.min(MAX_WAIT_MILLIS, Math.max(1, baseMillis) << Math.min(10, Math.max(0, failure - 1)));
        return Math.max(1, (long) (full * (0.5 + 0.5 * ThreadLocalRandom.current().nextDouble())));
    }

    /**
     * Runs {@code step}, again after a failure a retry may cure (see the class comment), and throws
     * the last failure when that is not so or the retries are used up.
     */
    public static <T> T call(String what, JobOptions options, Step<T> step) throws Exception {
        for (int failure = 1; ; failure++) {
            try {
                return step.run();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (failure > limit(Sql.classify(e), stepRetries(options))) {
                    throw e;
                }
                long wait = backoff(options.retryBaseMillis(), failure);
                LOG.warn("{} failed ({}); retrying in {} ms", what, e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage().lines().findFirst().orElse(""), wait);
                Thread.sleep(wait);
            }
        }
    }
}
