package dev.cutover.work;

import dev.cutover.pg.Sql;
import dev.cutover.sql.ChunkSql;
import dev.cutover.sql.KeySql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link ChunkJob}: fixes each table's run (its upper key at the moment it starts), then
 * worker threads cut chunks in key order ({@link ChunkLedger}), take their leases, wait their turn
 * at the {@link Throttle}, do the work with retries and back-off, and adapt the chunk size to the
 * target time per chunk. Chunks left by dead workers are taken over when their lease is free. A
 * reporter thread publishes progress from the ledger, so every process of a multi-worker run shows
 * the same numbers.
 */
public final class ChunkRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ChunkRunner.class);
    /** Under a rows/s cap a chunk is at most this share of a second at the cap: several evenly spaced turns a second. */
    static final double CAPPED_TURN_SECONDS = 0.25;
    /** ... and at most this long at the measured full speed: each burst on the databases stays short. */
    static final double CAPPED_CHUNK_SECONDS = 0.05;
    /** How often a worker looks for chunks left open by dead workers (a query and a commit on the ledger). */
    private static final long ORPHAN_CHECK_NANOS = 1_000_000_000L;
    /** How long an idle worker waits for another process's chunk (or a dead worker's to take over) before it looks again. */
    private static final long IDLE_WAIT_MILLIS = 250;

    /** How a run ended, per table. */
    public record Result(List<TableProgress> tables, List<ChunkLedger.Failed> failedChunks, boolean stopped, long rowsByThisProcess,
                         Duration workTime, List<String> workerErrors, long retries) {
        public boolean complete() {
            return !stopped && workerErrors.isEmpty() && tables.stream().allMatch(t -> t.state() == TableState.COMPLETE);
        }

        /** One line per problem: tables stopped (with key or key range), workers that could not go on. */
        public List<String> errors() {
            List<String> out = new ArrayList<>(tables.stream().filter(t -> t.error() != null).map(TableProgress::error).toList());
            out.addAll(workerErrors);
            return out;
        }
    }

    private final ChunkJob job;
    private final ChunkLedger ledger;
    private final Leases leases;
    private final Throttle throttle;
    private final JobOptions options;
    private final ProgressListener listener;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Map<String, ChunkSizer> sizers = new ConcurrentHashMap<>();
    private final Set<String> finished = ConcurrentHashMap.newKeySet();
    private final ProgressMeter meter = new ProgressMeter(Duration.ofSeconds(10));
    private final Map<String, String> localErrors = new ConcurrentHashMap<>();
    private final AtomicLong rowsHere = new AtomicLong();
    /** Attempts made again after a passing failure (a chunk, a ledger read, a session), for the report and tests. */
    private final AtomicLong retries = new AtomicLong();
    private final Object reporterWake = new Object();
    private volatile boolean reporting = true;
    /** Rows of each table's chunks cut by this process, for sizing the last chunks of a run. */
    private final Map<String, AtomicLong> rowsCut = new ConcurrentHashMap<>();
    private final Map<String, Long> rowsTotal = new ConcurrentHashMap<>();
    private final Map<String, Long> orphansCheckedAt = new ConcurrentHashMap<>();
    /** Bumped whenever a chunk ends or a table finishes: idle workers wake up on it instead of sleeping out their wait. */
    private final Object progressMade = new Object();
    private long progressVersion;

    public ChunkRunner(ChunkJob job, Leases leases, Throttle throttle, JobOptions options, ProgressListener listener) {
        this.job = job;
        this.ledger = new ChunkLedger(job.name(), job.migration(), leases.workerId());
        this.leases = leases;
        this.throttle = throttle;
        this.options = options;
        this.listener = listener == null ? ProgressListener.NONE : listener;
    }

    public ChunkLedger ledger() {
        return ledger;
    }

    /** Asks the workers to stop after their current chunk (a polite stop; progress is kept). */
    public void stop() {
        stop.set(true);
    }

    /** Runs the job to its end (or to {@link #stop}) and reports how each table ended. */
    public Result run() throws SQLException, InterruptedException {
        ChunkJob.Session first = null;
        for (int failures = 1; first == null; failures++) {
            try {
                first = job.openSession(0);
                LOG.debug("first session open");
                prepare(first);
            } catch (SQLException | RuntimeException e) {
                if (first != null) {
                    first.close();
                    first = null;
                }
                recover(e, failures, job.name() + ": preparing the runs");
            }
        }
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < Math.max(1, options.workers()); i++) {
            int n = i;
            ChunkJob.Session s = i == 0 ? first : null;
            Thread t = new Thread(() -> work(n, s), "cutover-" + job.name() + "-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        Thread reporter = new Thread(this::report, "cutover-" + job.name() + "-progress");
        reporter.setDaemon(true);
        long started = System.nanoTime();
        threads.forEach(Thread::start);
        reporter.start();
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            throw e;
        } finally {
            reporting = false;
            synchronized (reporterWake) {
                reporterWake.notifyAll();
            }
            reporter.join(10_000);
        }
        ProgressEvent end = null;
        List<ChunkLedger.Failed> failed = null;
        for (int failures = 1; end == null; failures++) {
            try (Connection c = job.openLedgerConnection()) {
                failed = ledger.failedChunks(c);
                end = snapshot(c, true);
            } catch (SQLException | RuntimeException e) {
                recover(e, failures, job.name() + ": reading how the run ended");
            }
        }
        listener.onProgress(end);
        List<TableProgress> tables = end.tables();
        return new Result(tables, failed, stop.get() && !tables.stream().allMatch(t -> t.state() == TableState.COMPLETE),
                rowsHere.get(), Duration.ofNanos(System.nanoTime() - started),
                localErrors.entrySet().stream().filter(e -> e.getKey().startsWith("worker ")).map(Map.Entry::getValue).distinct().toList(),
                retries.get());
    }

    // ---- preparing the runs --------------------------------------------------------------------

    private void prepare(ChunkJob.Session s) throws SQLException {
        ChunkLedger.install(s.ledger());
        for (JobTable t : job.tables()) {
            Optional<ChunkLedger.Run> run = ledger.read(s.ledger(), t.name());
            if (run.isPresent() && run.get().failed()) {
                LOG.info("{}: resuming a failed run", t.name());
                ledger.reopen(s.ledger(), t.name());
            }
            if (run.isEmpty()) {
                LOG.debug("{}: fixing the run's upper bound", t.name());
                List<String> upper = lastKey(s.from(), t);
                long total = upper == null ? 0 : rowsTotal(s.from(), t, upper);
                ChunkLedger.Run started = ledger.start(s.ledger(), t.name(), upper, total);
                LOG.info("{}: run covers keys up to {} (about {} rows)", t.name(), started.upper(), started.rowsTotal());
            }
            Optional<ChunkLedger.Run> now = ledger.read(s.ledger(), t.name());
            if (now.map(ChunkLedger.Run::complete).orElse(false)) {
                finished.add(t.name());
            }
            if (run.isEmpty() && now.isPresent()) {
                rowsTotal.put(t.name(), now.get().rowsTotal()); // a fresh run: its remaining rows are known here
            }
        }
    }

    private static List<String> lastKey(Connection from, JobTable t) throws SQLException {
        try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery(KeySql.fromSide(t.flow()).lastKey())) {
            return rs.next() ? ChunkLedger.keyOf(rs, t.flow().key().size()) : null;
        } finally {
            from.commit();
        }
    }

    /** The planner's estimate when it has one, else an exact count (a fresh, never analyzed table). */
    private static long rowsTotal(Connection from, JobTable t, List<String> upper) throws SQLException {
        try {
            try (Statement st = from.createStatement(); ResultSet rs = st.executeQuery(ChunkSql.rowEstimate(t.flow()))) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return rs.getLong(1);
                }
            }
            try (PreparedStatement ps = from.prepareStatement(ChunkSql.countUpTo(t.flow()))) {
                for (int i = 0; i < upper.size(); i++) {
                    ps.setString(i + 1, upper.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        } finally {
            from.commit();
        }
    }

    // ---- workers -------------------------------------------------------------------------------

    private void work(int n, ChunkJob.Session given) {
        ChunkJob.Session s = given;
        try {
            for (int failures = 1; s == null; failures++) {
                try {
                    s = job.openSession(n);
                } catch (RuntimeException e) {
                    recover(e, failures, job.name() + " worker " + n + ": connecting");
                }
            }
            loop(s);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | SQLException e) {
            LOG.debug("worker {} stopped", n, e);
            localErrors.putIfAbsent("worker " + n, job.name() + " worker " + n + " stopped: " + message(e));
        } finally {
            if (s != null) {
                s.close();
            }
        }
    }

    private void loop(ChunkJob.Session s) throws SQLException, InterruptedException {
        int failures = 0;
        while (!stop.get()) {
            long seen = progressVersion();
            boolean worked = false;
            try {
                for (JobTable t : job.tables()) {
                    if (finished.contains(t.name())) {
                        continue;
                    }
                    int size = chunkRows(t);
                    if (!throttle.awaitTurn(stop::get, size)) {
                        return;
                    }
                    Optional<Chunk> chunk;
                    try {
                        chunk = claim(s, t, size);
                    } catch (SQLException | RuntimeException e) {
                        throttle.settle(size, 0);
                        throw e;
                    }
                    if (chunk.isPresent()) {
                        process(s, t, chunk.get(), size);
                        worked = true;
                        break;
                    }
                    throttle.settle(size, 0);
                    // a run that is gone was forgotten by the process that owns the job (a run that ended): leave it
                    Optional<ChunkLedger.Run> run = ledger.read(s.ledger(), t.name());
                    if (run.isEmpty() || run.get().state() != TableState.RUNNING
                            || (run.get().exhausted() && ledger.finish(s.ledger(), t.name()))) {
                        finished.add(t.name());
                        madeProgress();
                    }
                }
                failures = 0;
            } catch (SQLException | RuntimeException e) {
                // the ledger or the next chunk's boundary on a connection that was lost: fresh connections, then again
                rollbackQuietly(s);
                recover(e, ++failures, job.name() + ": the ledger or the next chunk");
                reconnectQuietly(s);
                continue;
            }
            if (!worked) {
                if (job.tables().stream().allMatch(t -> finished.contains(t.name()))) {
                    return;
                }
                // others' chunks are in flight: look again when one of this process's ends or a table is
                // finished, or after the idle wait (another process's chunk, or a dead worker's to take over)
                synchronized (progressMade) {
                    if (progressVersion == seen && !stop.get()) {
                        progressMade.wait(IDLE_WAIT_MILLIS);
                    }
                }
            }
        }
    }

    private long progressVersion() {
        synchronized (progressMade) {
            return progressVersion;
        }
    }

    private void madeProgress() {
        synchronized (progressMade) {
            progressVersion++;
            progressMade.notifyAll();
        }
    }

    /**
     * Rows of the next chunk of a table. Without a cap, the sizer's (the target time per chunk at
     * full speed), and toward the end of a fresh run a share of the rows left, so the workers finish
     * together instead of one copying the last full chunk while the others wait (when the row
     * estimate proves too low, full chunks again). Under a cap below what the workers do at full
     * speed, short chunks, evenly spaced by the throttle, rather than bursts: at most
     * {@link #CAPPED_TURN_SECONDS} of the cap and {@link #CAPPED_CHUNK_SECONDS} of work.
     */
    private int chunkRows(JobTable t) {
        ChunkSizer sizer = sizer(t);
        int size = sizer.next();
        int workers = Math.max(1, options.workers());
        long cap = throttle.maxRowsPerSec();
        if (cap > 0 && (sizer.rowsPerSecond() == 0 || cap < sizer.rowsPerSecond() * workers)) {
            return Math.min(size, Math.max(options.minChunkRows(),
                    Math.min(throttle.rowsIn(CAPPED_TURN_SECONDS), sizer.rowsIn(CAPPED_CHUNK_SECONDS))));
        }
        Long total = rowsTotal.get(t.name());
        if (total != null) {
            long left = total - rowsCut.computeIfAbsent(t.name(), k -> new AtomicLong()).get();
            if (left > 0 && left < (long) size * workers) {
                size = (int) Math.max(options.minChunkRows(), Math.max(size / 8, (left + workers - 1) / workers));
            }
        }
        return size;
    }

    private Optional<Chunk> claim(ChunkJob.Session s, JobTable t, int size) throws SQLException {
        long now = System.nanoTime();
        Long checked = orphansCheckedAt.get(t.name());
        if (checked == null || now - checked >= ORPHAN_CHECK_NANOS) {
            orphansCheckedAt.put(t.name(), now);
            Optional<Chunk> orphan = ledger.claimOrphan(s.ledger(), t.name(), leases);
            if (orphan.isPresent()) {
                orphansCheckedAt.remove(t.name()); // there may be more: look again at once
                LOG.info("taking over {}", orphan.get());
                return orphan;
            }
        }
        Optional<Chunk> next = ledger.claimNext(s.ledger(), s.from(), t.flow(), t.name(), size, leases);
        if (next.isPresent()) {
            rowsCut.computeIfAbsent(t.name(), k -> new AtomicLong()).addAndGet(size);
        }
        return next;
    }

    /** The table's chunk sizer; created on first use, also when the first chunk is one taken over from a dead worker. */
    private ChunkSizer sizer(JobTable t) {
        return sizers.computeIfAbsent(t.name(), k -> new ChunkSizer(options.targetChunkSeconds(), options.initialChunkRows(),
                options.minChunkRows(), options.maxChunkRows()));
    }

    /**
     * Does one chunk, retrying only what a retry may cure ({@link Retry}: a lost connection, a
     * deadlock, a server restarting, up to twice the retries; insufficient resources, up to the
     * retries), each time on fresh connections after a jittered back-off. A row's data error, a statement the server rejects
     * (syntax, undefined column, permission) or anything unknown fails the table at once, once.
     * {@code booked} is the rows the throttle was told it would move.
     */
    private void process(ChunkJob.Session s, JobTable t, Chunk chunk, int booked) throws InterruptedException {
        int attempt = 0;
        try {
            while (true) {
                attempt++;
                long t0 = System.nanoTime();
                try {
                    if (attempt > 1) {
                        s.reconnect();
                    }
                    long rows = s.process(t, chunk);
                    LOG.debug("{}: {} rows in {} ms", chunk, rows, (System.nanoTime() - t0) / 1_000_000);
                    if (rows >= 0) {
                        rowsHere.addAndGet(rows);
                        sizer(t).record(rows, System.nanoTime() - t0);
                    }
                    throttle.settle(booked, Math.max(0, rows));
                    return;
                } catch (FatalChunkError e) {
                    rollbackQuietly(s);
                    failTable(s, t, chunk, attempt, e.getMessage());
                    return;
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    rollbackQuietly(s);
                    String msg = message(e);
                    Sql.Failure kind = Sql.classify(e);
                    int limit = retryLimit(kind);
                    if (limit == 0) {
                        failTable(s, t, chunk, attempt, t.name() + ": chunk " + chunk.seq() + " with keys " + chunk.range()
                                + " failed (" + notRetried(kind) + ", not retried): " + msg);
                        return;
                    }
                    if (attempt > limit) {
                        failTable(s, t, chunk, attempt, t.name() + ": chunk " + chunk.seq() + " with keys " + chunk.range()
                                + " failed after " + attempt + " attempts: " + msg);
                        return;
                    }
                    if (kind == Sql.Failure.TRANSIENT) {
                        sizer(t).shrink();
                    }
                    retries.incrementAndGet();
                    long wait = backoff(attempt);
                    LOG.warn("{}: attempt {} failed ({}); retrying in {} ms", chunk, attempt, msg, wait);
                    Thread.sleep(wait);
                }
            }
        } finally {
            leases.release(chunk.leaseId());
            madeProgress();
        }
    }

    /** Retries after a failure of this class: 0 for what a retry cannot cure. */
    private int retryLimit(Sql.Failure kind) {
        return Retry.limit(kind, options.retries());
    }

    private static String notRetried(Sql.Failure kind) {
        return switch (kind) {
            case ROW -> "a row's data";
            case STATEMENT -> "the statement is refused";
            default -> "not a passing failure";
        };
    }

    /** The wait before attempt {@code attempt + 1} ({@link Retry#backoff}). */
    private long backoff(int attempt) {
        return Retry.backoff(options.retryBaseMillis(), attempt);
    }

    /**
     * After a failure outside a chunk's work (reading the ledger, opening a session): back off and
     * return when a retry may cure it and {@code failures} is within the limit, else rethrow.
     */
    private void recover(Exception e, int failures, String what) throws InterruptedException, SQLException {
        int limit = Retry.limit(Sql.classify(e), Retry.stepRetries(options));
        if (failures > limit) {
            if (e instanceof SQLException q) {
                throw q;
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
        long wait = backoff(failures);
        LOG.warn("{} failed ({}); retrying in {} ms", what, message(e), wait);
        retries.incrementAndGet();
        Thread.sleep(wait);
    }

    private void failTable(ChunkJob.Session s, JobTable t, Chunk chunk, int attempts, String error) {
        LOG.info(error); // the command prints it once, as its error line
        localErrors.put(t.name(), error);
        finished.add(t.name());
        try {
            ledger.markFailed(s.ledger(), chunk, attempts, error);
            ledger.fail(s.ledger(), t.name(), error);
        } catch (SQLException | RuntimeException e) {
            LOG.warn("{}: could not record the failure in the ledger ({}); the chunk stays open and is redone on resume",
                    t.name(), e.getMessage());
        }
    }

    /** Fresh connections; when that fails too, the next statement on the closed ones fails and is counted as another failure. */
    private static void reconnectQuietly(ChunkJob.Session s) {
        try {
            s.reconnect();
        } catch (RuntimeException e) {
            LOG.debug("reconnecting failed: {}", e.getMessage());
        }
    }

    private static void rollbackQuietly(ChunkJob.Session s) {
        for (Connection c : new Connection[] {s.from(), s.ledger()}) {
            try {
                if (c != null && !c.isClosed()) {
                    c.rollback();
                }
            } catch (SQLException ignored) {
                // the connection is gone; reconnect() replaces it
            }
        }
    }

    static String message(Throwable e) {
        if (e instanceof SQLException q) {
            return Sql.message(q);
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    // ---- progress ------------------------------------------------------------------------------

    private void report() {
        Connection c = null;
        while (reporting) {
            try {
                if (c == null || c.isClosed()) {
                    c = job.openLedgerConnection();
                }
                listener.onProgress(snapshot(c, false));
            } catch (SQLException | RuntimeException e) {
                LOG.debug("progress read failed: {}", e.getMessage());
                closeQuietly(c);
                c = null;
            }
            try {
                synchronized (reporterWake) {
                    if (reporting) {
                        reporterWake.wait(options.progressIntervalMillis());
                    }
                }
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(c);
    }

    private ProgressEvent snapshot(Connection c, boolean end) throws SQLException {
        Map<String, ChunkLedger.Count> counts = new HashMap<>();
        for (ChunkLedger.Count n : ledger.progress(c)) {
            counts.put(n.table(), n);
        }
        long now = System.nanoTime();
        Map<String, TableProgress> tables = new LinkedHashMap<>();
        long done = 0;
        long total = 0;
        double rate = 0;
        boolean anyFailed = false;
        boolean allComplete = true;
        for (JobTable t : job.tables()) {
            ChunkLedger.Count n = counts.get(t.name());
            TableState state = n == null ? TableState.WAITING : n.state();
            long rows = n == null ? 0 : n.rowsDone();
            long tot = n == null ? 0 : Math.max(n.rowsTotal(), rows);
            double r = meter.record(t.name(), rows, now);
            String error = n == null ? null : n.error();
            if (error == null) {
                error = localErrors.get(t.name());
            }
            tables.put(t.name(), new TableProgress(t.name(), state, rows, tot, r,
                    state == TableState.COMPLETE ? Duration.ZERO : ProgressMeter.eta(tot - rows, r), error));
            done += rows;
            total += tot;
            rate += r;
            anyFailed |= state == TableState.FAILED || error != null;
            allComplete &= state == TableState.COMPLETE;
        }
        TableState totalState = allComplete ? TableState.COMPLETE : anyFailed && end ? TableState.FAILED : TableState.RUNNING;
        String workerErrors = localErrors.entrySet().stream().filter(e -> e.getKey().startsWith("worker "))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        TableProgress sum = new TableProgress("total", totalState, done, total, rate,
                allComplete ? Duration.ZERO : ProgressMeter.eta(total - done, rate), workerErrors);
        return new ProgressEvent(job.name(), Instant.now(), List.copyOf(tables.values()), sum, throttle.state(), end);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
    }
}
