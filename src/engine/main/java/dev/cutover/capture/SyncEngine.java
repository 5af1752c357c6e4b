package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sql.SyncSql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sync.PlanRelations;
import dev.cutover.sync.Relations;
import dev.cutover.sync.RowSync;
import dev.cutover.work.PlanTables;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Change capture old → new (docs/sync.md): streams the slot's {@code pgoutput} changes, takes from
 * each insert, update and delete only its table and key (the old key too where an update changed it),
 * and applies them by re-syncing those keys from the old database through the plan with
 * {@link RowSync} — the same re-read by key as repair — in batches; only after a batch is applied
 * is the end of its last whole transaction confirmed to the server ({@code setFlushedLSN},
 * {@code setAppliedLSN}, {@code forceUpdateStatus}). A crash therefore re-applies from the last
 * confirmed position, and re-applying is harmless because a re-sync by key is idempotent.
 * A TRUNCATE re-syncs every key the target table has (so rows the truncate removed are deleted and
 * rows inserted after it arrive through their own inserts). A lost connection on either side is
 * retried with back-off; a change it cannot apply (a transform failing on a row, a missing replica
 * identity) stops the run with one line.
 */
public final class SyncEngine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SyncEngine.class);

    /** The tuning of a run. */
    public record Options(int batchKeys, boolean untilCaughtUp, long maxRetainedBytes, long maxBackoffMillis) {
        public static Options defaults() {
            return new Options(5000, false, 1L << 30, 5000);
        }

        public Options withUntilCaughtUp(boolean on) {
            return new Options(batchKeys, on, maxRetainedBytes, maxBackoffMillis);
        }

        public Options withBatchKeys(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("--batch-keys must be 1 or more, got " + n);
            }
            return new Options(n, untilCaughtUp, maxRetainedBytes, maxBackoffMillis);
        }

        public Options withMaxRetainedBytes(long b) {
            if (b < 0) {
                throw new IllegalArgumentException("--max-retained-wal must be 0 or more, got " + b);
            }
            return new Options(batchKeys, untilCaughtUp, b, maxBackoffMillis);
        }
    }

    /** What a run did. */
    public record Report(long changes, long keysSynced, long transactions, long truncates, String confirmedLsn, boolean caughtUp) {
    }

    /** A change sync cannot apply and no retry cures: the run stops. */
    public static final class SyncFailed extends DbException {
        public SyncFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Db oldDb;
    private final Db newDb;
    private final Plan plan;
    private final Options options;
    private final SyncSlot slot;
    private volatile boolean stopRequested;
    private final CountDownLatch stopSignal = new CountDownLatch(1);

    private Map<TableRef, Flow> flows;
    private Relations relations;

    // totals of the run (one thread)
    private long changes;
    private long keysSynced;
    private long transactions;
    private long truncates;
    private long confirmed;
    private String lastError;
    private boolean streamed; // a stream of this run was started once
    private long sessionsStarted;
    private long sessionsAtLastError;
    private long busySince;

    /** How long the keys of a received transaction may wait for more to join their batch while the stream is idle. */
    static final long HOLD_NANOS = 20_000_000L;

    private final Direction direction;
    private final Db truthDb;
    private final Db otherDb;

    public SyncEngine(Db oldDb, Db newDb, Plan plan, Options options) {
        this(oldDb, newDb, plan, options, Direction.FORWARD);
    }

    /**
     * Sync in {@code direction}: forward streams the old database and writes the new one through the
     * plan's columns; reverse (from new_primary on) streams the new database and writes the old one
     * through the plan's {@code reverse} mappings, from a slot of its own ({@link SyncSlot}).
     */
    public SyncEngine(Db oldDb, Db newDb, Plan plan, Options options, Direction direction) {
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.plan = plan;
        this.options = options;
        this.direction = direction;
        this.truthDb = direction == Direction.FORWARD ? oldDb : newDb;
        this.otherDb = direction == Direction.FORWARD ? newDb : oldDb;
        this.slot = new SyncSlot(truthDb, plan, direction);
    }

    public SyncSlot slot() {
        return slot;
    }

    /** Changes applied so far by this run (read after {@link #caughtUp()} completed, it counts everything before). */
    public long changes() {
        return changes;
    }

    /** A wait for everything committed before it began: its watermark is written at the next idle moment. */
    private static final class Waiter {
        volatile Long target;
        final java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<Waiter> waiters = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private java.util.concurrent.CompletableFuture<Void> ownCatchUp; // with untilCaughtUp

    /**
     * Completes once every transaction committed on the streamed database before this call is
     * applied and confirmed (docs/sync.md, "Caught up"); the run goes on. Fails when the run ends
     * first. The write flip uses it twice on one stream: before the block, and after it.
     */
    public java.util.concurrent.CompletableFuture<Void> caughtUp() {
        Waiter w = new Waiter();
        waiters.add(w);
        if (runEnded) {
            failWaiters();
        }
        return w.done;
    }

    private volatile boolean runEnded;
    private long lastNudge;

    private void failWaiters() {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            w.done.completeExceptionally(new SyncFailed("sync " + slot.slot() + ": the run ended before it caught up"
                    + (lastError == null ? "" : " (" + lastError + ")"), null));
        }
    }

    /** Asks the run to stop after the batch in hand (applied and confirmed); returns at once. */
    public void stop() {
        stopRequested = true;
        stopSignal.countDown();
    }

    /**
     * Runs until stopped, or with {@link Options#untilCaughtUp} until everything written to the old
     * database before the moment it found itself idle is applied. {@code status} gets the lag and
     * health about once a second and once at the end.
     */
    public Report run(Consumer<SyncStatus> status) throws InterruptedException {
        if (options.untilCaughtUp()) {
            ownCatchUp = caughtUp();
        }
        try {
            slot.ensure();
            resolve();
            long backoff = 200;
            while (!stopRequested) {
                try {
                    if (session(status)) {
                        publish(status, SyncStatus.STOPPED, null);
                        return report(true);
                    }
                    break;
                } catch (SyncFailed e) {
                    lastError = e.getMessage();
                    publish(status, SyncStatus.FAILED, null);
                    throw e;
                } catch (RuntimeException | SQLException e) {
                    boolean busy = slotBusy(e);
                    busySince = busy ? (busySince == 0 ? System.currentTimeMillis() : busySince) : 0;
                    // the slot still held by our own walsender from before a lost connection: it goes within
                    // seconds; a slot busy at the first start, or for long, is another sync process
                    boolean ownLeftover = busy && streamed && System.currentTimeMillis() - busySince < 30_000;
                    if (busy && !ownLeftover) {
                        lastError = "replication slot " + slot.slot() + " is in use by another process (another 'cutover sync'?)";
                        publish(status, SyncStatus.FAILED, null);
                        throw new SyncFailed("sync " + slot.slot() + ": " + oneLine(e) + "; another 'cutover sync' of this plan is running:"
                                + " stop it first (or wait for it)", e);
                    }
                    if (!ownLeftover && !retryable(e)) {
                        lastError = oneLine(e);
                        publish(status, SyncStatus.FAILED, null);
                        throw e instanceof DbException d ? d : new SyncFailed("sync " + slot.slot() + ": " + oneLine(e), e);
                    }
                    if (sessionsStarted > sessionsAtLastError) {
                        backoff = 200; // it streamed since the last failure: a new outage starts over
                    }
                    sessionsAtLastError = sessionsStarted;
                    lastError = oneLine(e);
                    LOG.warn("sync {}: {}; trying again in {} ms (from the last confirmed position)", slot.slot(), lastError, backoff);
                    publish(status, SyncStatus.RETRYING, null);
                    if (stopSignal.await(backoff, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    backoff = Math.min(options.maxBackoffMillis(), backoff * 2);
                }
            }
            publish(status, SyncStatus.STOPPED, null);
            return report(false);
        } finally {
            runEnded = true;
            failWaiters();
            LOG.debug("sync {}: run ended", slot.slot());
        }
    }

    private Report report(boolean caughtUp) {
        return new Report(changes, keysSynced, transactions, truncates, confirmed == 0 ? null : LogSequenceNumber.valueOf(confirmed).asString(),
                caughtUp);
    }

    /** True when the server refused the stream because the slot is active for another process (SQLSTATE 55006). */
    private static boolean slotBusy(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SQLException q && "55006".equals(Sql.state(q))) {
                return true;
            }
        }
        return false;
    }

    private static boolean retryable(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.io.IOException) {
                return true;
            }
        }
        Sql.Failure f = Sql.classify(e);
        return f == Sql.Failure.TRANSIENT || f == Sql.Failure.RESOURCES;
    }

    private static String oneLine(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof DbException) {
                return c.getMessage();
            }
        }
        SQLException q = e instanceof SQLException s ? s : null;
        return q != null ? Sql.message(q) : Sql.oneLine(e);
    }

    private void resolve() {
        PlanTables.Resolved r = PlanTables.resolve(plan, List.of(), oldDb, newDb);
        Map<TableRef, Flow> out = new LinkedHashMap<>();
        for (PlanTables.Table t : r.tables()) {
            Flow f = t.flow(direction);
            out.put(f.from(), f);
        }
        flows = out;
        syncs.clear();
        relations = new PlanRelations(plan, r.oldSchema(), r.newSchema(), direction);
    }

    /**
     * The relation ids of this stream, with the flow each feeds, where its key columns are, and the
     * set its keys wait in (one per flow and session, shared by every id of the same table).
     */
    private record Rel(PgOutput.Relation relation, Flow flow, int[] keyAt, Set<List<String>> keys) {
    }

    /** One re-sync per flow for the whole run: its statements are made once (RowSync caches them per flow). */
    private final Map<Flow, RowSync> syncs = new HashMap<>();

    /** One connection set and one stream; true when caught up (with untilCaughtUp), false when stopped. */
    private boolean session(Consumer<SyncStatus> status) throws SQLException, InterruptedException {
        try (Connection truth = truthDb.connect(); Connection other = otherDb.connect(); Connection repl = truthDb.connectReplication()) {
            try (Statement s = truth.createStatement()) {
                // the truth's transactions on this connection write nothing but the FOR SHARE row locks of a re-read (the
                // watermark sets its own): their commit need not wait for a WAL flush, the locks do not outlive a crash anyway
                s.execute("SET synchronous_commit = off");
            }
            PGReplicationStream stream = repl.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot.slot())
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", slot.publication())
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            streamed = true;
            busySince = 0;
            sessionsStarted++;
            try {
                return stream(stream, truth, other, status);
            } finally {
                try {
                    stream.close();
                } catch (SQLException ignored) {
                    // the connection is going anyway
                }
            }
        }
    }

    private boolean stream(PGReplicationStream stream, Connection truth, Connection other, Consumer<SyncStatus> status)
            throws SQLException, InterruptedException {
        Map<Integer, Rel> rels = new HashMap<>();
        Map<Flow, Set<List<String>>> keySets = new HashMap<>(); // per flow, for this session
        Map<Flow, Set<List<String>>> pending = new LinkedHashMap<>(); // the flows with keys waiting, in the order they came
        Set<Flow> truncated = new LinkedHashSet<>();
        int pendingKeys = 0;
        boolean inTx = false;
        long txCommitMillis = 0;
        int txXid = 0;
        long lastCommitEnd = 0; // end of the last whole transaction received; confirmed once its keys are applied
        long waitingSinceMillis = 0; // commit time of the oldest transaction whose keys wait, 0 when none wait
        long waitingSinceNanos = 0;
        PerSecond perSecond = new PerSecond(changes);
        lastError = null;
        while (true) {
            ByteBuffer buf = stream.readPending();
            if (buf == null && (pendingKeys > 0 || !truncated.isEmpty()) && !stopRequested && waiters.isEmpty()
                    && (waitingSinceMillis == 0 ? inTx : System.nanoTime() - waitingSinceNanos < HOLD_NANOS)) {
                // a batching window: the keys of transactions received in the last HOLD_NANOS (or of one still arriving)
                // wait for more to join them, so a stream of small transactions is applied in batches of some size and not
                // one re-read and write per few changes (most of a small batch's cost is per batch, not per key)
                double rate = perSecond.rateIfDue(changes);
                if (rate >= 0) {
                    publish(status, SyncStatus.RUNNING, truth, rate,
                            waitingSinceMillis == 0 ? 0 : Math.max(0, System.currentTimeMillis() - waitingSinceMillis) / 1000.0);
                }
                TimeUnit.MILLISECONDS.sleep(2);
                continue;
            }
            if (buf == null) {
                // idle: apply what waits, confirm, report, maybe finish
                if (pendingKeys > 0 || !truncated.isEmpty()) {
                    apply(truth, other, pending, truncated);
                    pendingKeys = 0;
                }
                waitingSinceMillis = 0;
                long received = stream.getLastReceiveLSN().asLong();
                long safe = inTx ? lastCommitEnd : Math.max(lastCommitEnd, received);
                if (safe > confirmed) {
                    confirm(stream, safe);
                }
                double rate = perSecond.rateIfDue(changes);
                if (rate >= 0) {
                    publish(status, SyncStatus.RUNNING, truth, rate, 0);
                }
                if (stopRequested) {
                    return false;
                }
                if (!inTx && !waiters.isEmpty()) {
                    Long mark = null;
                    boolean waiting = false;
                    for (Waiter w : waiters) {
                        if (w.target == null) {
                            w.target = mark != null ? mark : (mark = watermark(truth)); // one watermark for every new waiter
                            waiting = true;
                        } else if (received >= w.target && confirmed >= w.target) {
                            waiters.remove(w);
                            w.done.complete(null);
                        } else {
                            waiting = true;
                        }
                    }
                    // pgoutput sends nothing for the watermark's transaction: the stream passes it by a keepalive, which the
                    // walsender sends after our next status update; send one now rather than at the 1 s status interval
                    if (waiting && System.nanoTime() - lastNudge >= 20_000_000L) {
                        stream.forceUpdateStatus();
                        lastNudge = System.nanoTime();
                    }
                    if (ownCatchUp != null && ownCatchUp.isDone()) {
                        return true;
                    }
                }
                TimeUnit.MILLISECONDS.sleep(10);
                continue;
            }
            PgOutput.Message m = PgOutput.decode(buf);
            if (m instanceof PgOutput.Begin b) {
                inTx = true;
                xidPending = false;
                txCommitMillis = b.commitMillis();
                txXid = b.xid();
            } else if (m instanceof PgOutput.Commit c) {
                inTx = false;
                transactions++;
                lastCommitEnd = c.endLsn();
                if ((pendingKeys > 0 || !truncated.isEmpty()) && waitingSinceMillis == 0) {
                    waitingSinceMillis = txCommitMillis;
                    waitingSinceNanos = System.nanoTime();
                }
                // a full batch, or keys waiting for 200 ms under a stream that never goes idle
                if (pendingKeys >= options.batchKeys()
                        || (waitingSinceMillis != 0 && System.nanoTime() - waitingSinceNanos >= 200_000_000L)) {
                    apply(truth, other, pending, truncated);
                    pendingKeys = 0;
                    waitingSinceMillis = 0;
                    confirm(stream, lastCommitEnd);
                }
                double rate = perSecond.rateIfDue(changes);
                if (rate >= 0) {
                    publish(status, SyncStatus.RUNNING, truth, rate,
                            waitingSinceMillis == 0 ? 0 : Math.max(0, System.currentTimeMillis() - waitingSinceMillis) / 1000.0);
                }
            } else if (m instanceof PgOutput.Relation r) {
                rels.put(r.oid(), rel(r, keySets));
            } else if (m instanceof PgOutput.Change ch) {
                Rel r = rels.get(ch.relation());
                if (r == null) {
                    throw new SyncFailed("sync " + slot.slot() + ": a change of relation " + ch.relation() + " came before its description", null);
                }
                if (r.flow() == null) {
                    continue; // published, but not the plan's (someone added it to the publication)
                }
                changes++;
                if (!xidPending) {
                    pendingXids.add(txXid); // once per transaction (and again after a batch applied within it)
                    xidPending = true;
                }
                Set<List<String>> keys = r.keys();
                if (keys.isEmpty()) {
                    pending.put(r.flow(), keys);
                }
                if (ch.newTuple() != null) {
                    pendingKeys += keys.add(key(r, ch.newTuple(), ch, "new")) ? 1 : 0;
                }
                if (ch.oldTuple() != null) {
                    pendingKeys += keys.add(key(r, ch.oldTuple(), ch, "old")) ? 1 : 0;
                }
                if (pendingKeys >= options.batchKeys() * 2) {
                    // a long transaction: apply what we have (nothing confirmed until its commit)
                    apply(truth, other, pending, truncated);
                    pendingKeys = 0;
                }
            } else if (m instanceof PgOutput.Truncate t) {
                for (int id : t.relations()) {
                    Rel r = rels.get(id);
                    if (r != null && r.flow() != null) {
                        LOG.warn("sync {}: {} was truncated on the old database; re-syncing every key of {} from it",
                                slot.slot(), r.flow().from(), r.flow().to());
                        truncated.add(r.flow());
                        pendingXids.add(txXid);
                        truncates++;
                    }
                }
            }
        }
    }

    private Rel rel(PgOutput.Relation r, Map<Flow, Set<List<String>>> keySets) {
        Flow f = flows.get(new TableRef(r.schema(), r.table()));
        if (f == null) {
            return new Rel(r, null, null, null);
        }
        int[] at = new int[f.key().size()];
        for (int i = 0; i < at.length; i++) {
            String col = f.key().get(i).fromColumn();
            at[i] = r.indexOf(col);
            if (at[i] < 0) {
                throw new SyncFailed("sync " + slot.slot() + ": " + f.from() + " has no column " + col + " of the plan's key any more", null);
            }
        }
        return new Rel(r, f, at, keySets.computeIfAbsent(f, x -> new LinkedHashSet<>()));
    }

    private List<String> key(Rel r, PgOutput.Tuple t, PgOutput.Change ch, String which) {
        List<String> k = new ArrayList<>(r.keyAt().length);
        for (int i = 0; i < r.keyAt().length; i++) {
            int at = r.keyAt()[i];
            if (at >= t.size() || t.kinds().get(at) != PgOutput.Kind.TEXT) {
                throw new SyncFailed("sync " + slot.slot() + ": the " + which + " row of a " + op(ch.op()) + " on " + r.flow().from()
                        + " carries no value for key column " + r.flow().key().get(i).fromColumn()
                        + "; fix: ALTER TABLE " + dev.cutover.plan.SqlNames.quote(r.flow().from()) + " REPLICA IDENTITY FULL", null);
            }
            k.add(t.values().get(at));
        }
        return k;
    }

    private static String op(char c) {
        return switch (c) {
            case 'I' -> "insert";
            case 'U' -> "update";
            default -> "delete";
        };
    }

    /** Re-syncs the waiting keys (truncated tables whole, first), then forgets them. */
    private void apply(Connection truth, Connection other, Map<Flow, Set<List<String>>> pending, Set<Flow> truncated) {
        awaitVisible(truth);
        for (Flow f : truncated) {
            keysSynced += resyncWholeTarget(f, truth, other);
        }
        truncated.clear();
        for (Map.Entry<Flow, Set<List<String>>> e : pending.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            List<List<String>> keys = new ArrayList<>(e.getValue());
            e.getValue().clear(); // the set is the flow's for the session: empty means "not pending"
            rowSync(e.getKey()).sync(truth, other, keys);
            keysSynced += keys.size();
        }
        pending.clear();
    }

    /** Changes per second, taken once a second: the status is published on that beat, idle or not. */
    private static final class PerSecond {
        private long next;
        private long count;
        private long at = System.nanoTime();

        PerSecond(long count) {
            this.count = count;
        }

        /** The rate since the last beat when a second has passed since it (and a new beat starts), else -1. */
        double rateIfDue(long countNow) {
            long now = System.nanoTime();
            if (now < next) {
                return -1;
            }
            double secs = (now - at) / 1e9;
            double rate = secs > 0 ? (countNow - count) / secs : 0;
            count = countNow;
            at = now;
            next = now + 1_000_000_000L;
            return rate;
        }
    }

    /** The transactions whose changes wait in the batch (their 32-bit ids, as pgoutput's BEGIN gives them). */
    private final Set<Integer> pendingXids = new java.util.HashSet<>();
    /** The transaction being received is in {@link #pendingXids}. */
    private boolean xidPending;

    private RowSync rowSync(Flow f) {
        return syncs.computeIfAbsent(f, x -> new RowSync(x, null, relations));
    }

    /**
     * Waits until every transaction of the batch is visible to a new snapshot of the truth, before
     * its keys are re-read. The walsender may send a transaction as soon as its commit record is
     * flushed, and the committing backend leaves the set of running transactions only after that:
     * in between, a re-read by key does not see the transaction's rows yet and would delete (or not
     * insert) them on the other side, and nothing would bring them back — seen as rows missing
     * after scripts/bench-sync.sh under load. A snapshot that is taken after the transaction is
     * visible sees its rows; visibility only grows, so one check before the re-read is enough.
     */
    private void awaitVisible(Connection truth) {
        if (pendingXids.isEmpty()) {
            return;
        }
        Long[] xids = pendingXids.stream().map(x -> Integer.toUnsignedLong(x)).toArray(Long[]::new);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long waitMicros = 200;
        try (PreparedStatement ps = truth.prepareStatement(SyncSql.INVISIBLE_XIDS)) {
            ps.setArray(1, truth.createArrayOf("bigint", xids));
            while (true) {
                long invisible;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    invisible = rs.getLong(1);
                }
                if (invisible == 0) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new SyncFailed("sync " + slot.slot() + ": " + invisible + " committed transaction(s) of the stream are still not"
                            + " visible on the old database after 60 s", null);
                }
                TimeUnit.MICROSECONDS.sleep(waitMicros);
                waitMicros = Math.min(waitMicros * 2, 20_000);
            }
        } catch (SQLException e) {
            throw new DbException(Sql.message(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SyncFailed("sync " + slot.slot() + ": interrupted", e);
        }
        pendingXids.clear();
        xidPending = false;
    }

    /**
     * After a TRUNCATE: every key the target table has is re-synced from the truth, page by page in
     * key order (a key the truth no longer has is deleted, with the rows of other tables that
     * reference it re-synced first by {@link RowSync}'s relation handling).
     */
    private long resyncWholeTarget(Flow f, Connection truth, Connection other) {
        RowSync rs = rowSync(f);
        int n = f.key().size();
        String cols = f.key().stream().map(k -> dev.cutover.plan.SqlNames.quote(k.toColumn())).collect(java.util.stream.Collectors.joining(", "));
        String order = f.toKeyList();
        String after = f.key().stream().map(k -> "?::" + k.toType() + (k.collatable() ? " COLLATE \"C\"" : ""))
                .collect(java.util.stream.Collectors.joining(", ", "(", ")"));
        int page = 5000;
        List<String> last = null;
        long total = 0;
        while (true) {
            List<List<String>> keys = new ArrayList<>();
            String sql = "SELECT " + cols + " FROM " + f.toTable() + (last == null ? "" : " WHERE (" + order + ") > " + after)
                    + " ORDER BY " + order + " LIMIT " + page;
            try (PreparedStatement ps = other.prepareStatement(sql)) {
                if (last != null) {
                    for (int i = 0; i < n; i++) {
                        ps.setString(i + 1, last.get(i));
                    }
                }
                try (ResultSet rs2 = ps.executeQuery()) {
                    while (rs2.next()) {
                        List<String> k = new ArrayList<>(n);
                        for (int i = 1; i <= n; i++) {
                            k.add(rs2.getString(i));
                        }
                        keys.add(k);
                    }
                }
            } catch (SQLException e) {
                throw new DbException("sync: cannot read the keys of " + f.to() + " on the " + otherDb.role() + ": " + Sql.message(e), e);
            }
            if (keys.isEmpty()) {
                return total;
            }
            rs.sync(truth, other, keys);
            total += keys.size();
            last = keys.get(keys.size() - 1);
            if (keys.size() < page) {
                return total;
            }
        }
    }

    private void confirm(PGReplicationStream stream, long lsn) throws SQLException {
        LogSequenceNumber l = LogSequenceNumber.valueOf(lsn);
        stream.setAppliedLSN(l);
        stream.setFlushedLSN(l);
        stream.forceUpdateStatus();
        confirmed = lsn;
    }

    /**
     * The position every transaction committed before this call lies behind, made durable so that the
     * walsender can stream up to it: a one-row logical message ({@code pg_logical_emit_message},
     * prefix {@code cutover}, which pgoutput does not pass on) written in a transaction that commits
     * with {@code synchronous_commit = on}. Its commit flushes the WAL before it, so the stream reaches
     * the message's position even on a server with {@code synchronous_commit = off}, where a commit is
     * visible before its WAL is written and {@code pg_current_wal_lsn()} (the write position) can lie
     * before it: taking that as the target let {@code --until-caught-up} finish before transactions
     * it had been started after were applied (seen as "caught up: 0 changes" with the rows missing).
     */
    private static long watermark(Connection c) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET LOCAL synchronous_commit = on");
            long lsn;
            try (ResultSet rs = s.executeQuery(SyncSql.WATERMARK)) {
                rs.next();
                lsn = LogSequenceNumber.valueOf(rs.getString(1)).asLong();
            }
            c.commit();
            return lsn;
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    private void publish(Consumer<SyncStatus> status, String state, Connection truth) {
        publish(status, state, truth, 0, 0);
    }

    private void publish(Consumer<SyncStatus> status, String state, Connection truth, double rate, double lagSeconds) {
        if (status == null) {
            return;
        }
        SyncSlot.Info info = null;
        try {
            if (truth != null) {
                info = slot.slotInfo(truth);
            } else {
                info = slot.info();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("sync {}: cannot read the slot: {}", slot.slot(), e.getMessage());
        }
        status.accept(new SyncStatus(state, slot.slot(), info == null ? (confirmed == 0 ? "" : LogSequenceNumber.valueOf(confirmed).asString())
                : info.confirmedFlushLsn(), info == null ? 0 : info.lagBytes(), lagSeconds, rate, changes,
                info == null ? 0 : info.retainedBytes(), options.maxRetainedBytes(), lastError, System.currentTimeMillis()));
    }
}
