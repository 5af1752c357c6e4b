package dev.cutover.backfill;

import dev.cutover.work.JobOptions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Settings of a backfill run (command-line flags, console fields): the tuning every chunked job
 * shares ({@link #work()}: workers, cap, chunk time, latency guard, Redis, retries…) and what only a
 * backfill has (tables, error policy, load mode, restart). Fluent setters; defaults suit production.
 */
public final class BackfillOptions {
    private JobOptions work = JobOptions.defaults();
    private List<String> tables = List.of();
    private ErrorPolicy onError = ErrorPolicy.STOP;
    private LoadMode load = LoadMode.AUTO;
    private boolean restart;

    /** The shared tuning. */
    public BackfillOptions work(JobOptions w) {
        work = w;
        return this;
    }

    /** Changes the shared tuning: {@code options.work(w -> w.withRetries(2, 10))}. */
    public BackfillOptions work(UnaryOperator<JobOptions> change) {
        work = change.apply(work);
        return this;
    }

    /** Target tables (or source tables) to run; empty means every table of the plan. */
    public BackfillOptions tables(List<String> t) {
        tables = t == null ? List.of() : new ArrayList<>(t);
        return this;
    }

    /** Shortcut for {@code work(w -> w.withWorkers(n))} (the console's field). */
    public BackfillOptions workers(int n) {
        return work(w -> w.withWorkers(n));
    }

    /** Shortcut for {@code work(w -> w.withMaxRowsPerSec(n))}; 0 means no cap. */
    public BackfillOptions maxRowsPerSec(long n) {
        return work(w -> w.withMaxRowsPerSec(n));
    }

    /** Shortcut for {@code work(w -> w.withRedisUrl(url))}: leases and the run summary there; null runs in one process without them. */
    public BackfillOptions redisUrl(String url) {
        return work(w -> w.withRedisUrl(url));
    }

    public BackfillOptions onError(ErrorPolicy p) {
        onError = p;
        return this;
    }

    public BackfillOptions load(LoadMode m) {
        load = m;
        return this;
    }

    /** Forget the tables' previous runs and start over with new upper bounds. */
    public BackfillOptions restart(boolean r) {
        restart = r;
        return this;
    }

    public JobOptions work() {
        return work;
    }

    public List<String> tables() {
        return tables;
    }

    public ErrorPolicy onError() {
        return onError;
    }

    public LoadMode load() {
        return load;
    }

    public boolean restart() {
        return restart;
    }
}
