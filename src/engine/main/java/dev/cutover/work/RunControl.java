package dev.cutover.work;

import dev.cutover.pg.Db;

/**
 * This process's control over a chunked job, the same for a backfill, a verify or repair, and the
 * extra workers of either: the live {@link Throttle} (starting at the options' cap; the console
 * pauses and re-caps through it), the worker id, and stopping. {@link #open} wires one run of a
 * job ({@link JobRun}: leases, latency probe, Redis throttle hash, the {@link ChunkRunner}); a stop
 * asked for before or while it runs reaches it.
 */
public final class RunControl {
    private final String kind;
    private final JobOptions options;
    private final Throttle throttle;
    private final String workerId;
    private volatile JobRun current;
    private volatile boolean stopRequested;

    /**
     * {@code kind} names the Redis throttle hash every process of this kind of job follows
     * ({@code cutover:{M}:<kind>:throttle}: "backfill", "verify").
     */
    public RunControl(String kind, JobOptions options) {
        this.kind = kind;
        this.options = options;
        this.throttle = new Throttle(options.maxRowsPerSec());
        this.workerId = options.workerId() != null ? options.workerId() : WorkerId.generate();
    }

    /** The live throttle of this process: the rows/s cap, pause and resume while running. */
    public Throttle throttle() {
        return throttle;
    }

    public String workerId() {
        return workerId;
    }

    public JobOptions options() {
        return options;
    }

    String kind() {
        return kind;
    }

    /** Stops after the chunks in hand (progress is kept in the ledger). */
    public void stop() {
        stopRequested = true;
        JobRun r = current;
        if (r != null) {
            r.stop();
        }
    }

    /** True once {@link #stop} was called. */
    public boolean stopRequested() {
        return stopRequested;
    }

    /**
     * Wires a run of {@code job} for this process: connects to Redis when the options name it (leases
     * shared with every process of the job, and its throttle hash), else leases among this process's
     * threads; starts the latency probe on {@code oldDb} when the guard is on. Close it after the run.
     */
    public JobRun open(ChunkJob job, Db oldDb) {
        return open(job, options, oldDb);
    }

    /** The same with this run's own tuning (an extra worker takes the chunk size of the run it joins). */
    public JobRun open(ChunkJob job, JobOptions runOptions, Db oldDb) {
        JobRun r = new JobRun(this, job, runOptions, oldDb);
        current = r;
        if (stopRequested) {
            r.stop();
        }
        return r;
    }

    void closed(JobRun r) {
        if (current == r) {
            current = null;
        }
    }
}
