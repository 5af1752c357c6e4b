package dev.cutover.verify;

/**
 * Progress events of a verification or repair (the command line draws a progress bar from them,
 * the console its view). Called from worker threads; implementations must be thread-safe and quick.
 */
public interface VerifyListener {
    /** A table's comparison starts; {@code estimate} is the planner's row count of its to side. */
    default void tableStarted(String table, long estimate) {
    }

    /** Rows of {@code table} compared so far (from side rows), and differences found so far. */
    default void progress(String table, long rowsDone, long estimate, long differences) {
    }

    /** A confirmed difference (after its re-check), in no particular order across workers. */
    default void difference(Difference d) {
    }

    default void tableDone(TableReport report) {
    }

    VerifyListener NONE = new VerifyListener() {
    };
}
