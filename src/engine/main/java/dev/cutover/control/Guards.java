package dev.cutover.control;

import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.control.ControlKeys.Verify;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The exit conditions of each phase (docs/control.md), evaluated from what the other components
 * write to Redis:
 * <ul>
 * <li>leaving backfill: the backfill summary says {@code complete};</li>
 * <li>leaving dual_write: backfill complete and the failed-write queue drained;</li>
 * <li>leaving shadow_read: the latest verification is full (not sampled), forward, clean and
 *     fresh; the queue drained; the shadow mismatch rate under the limit over the window;</li>
 * <li>leaving traffic_shift: the same, and reads fully shifted (read_percent = 100);</li>
 * <li>leaving new_primary: the failed-write queue (now new → old) drained.</li>
 * </ul>
 * Where the migration uses change capture ({@code cutover sync} has written its health hash),
 * leaving dual_write, shadow_read and traffic_shift also needs sync running, heard from within
 * {@link #SYNC_SILENCE} and at most {@link #SYNC_LAG_LIMIT} behind: the new database is then only
 * as current as sync made it. Where change capture is in use and no router ever reported (a
 * sync-only migration), the two guards only a router can pass, the shadow mismatch rate and reads
 * fully shifted, do not apply: they show as passed saying so ({@link #routerGuardsApply}).
 * Moving forward several phases at once needs the exit conditions of every phase passed.
 *
 * <p>The decisions are made over a {@link GuardSnapshot} (a plain record of what was read), so
 * each guard can be tested without Redis; {@link GuardReader} reads the snapshot from the store.
 * A verification is stale — the guard refuses it and says why — when what it verified changed
 * after it: a repair that changed rows, a failed write queued, mirror writes that failed or shadow
 * reads that mismatched after its time.
 */
public final class Guards {
    private final GuardReader reader;
    private final GuardSettings settings;
    private final LongSupplier clock;
    private final Supplier<VerifiedPair> here;

    /** Guards whose evaluator knows no database or plan: a verification can then never be matched (the guard says so). */
    public Guards(ControlStore store, GuardSettings settings) {
        this(store, settings, System::currentTimeMillis);
    }

    public Guards(ControlStore store, GuardSettings settings, LongSupplier clockMillis) {
        this(store, settings, clockMillis, () -> VerifiedPair.UNKNOWN);
    }

    /**
     * @param here the databases and plan the evaluator is connected to (parts null where it has
     *             none), asked each time a verification guard is evaluated (so a console that
     *             changes its connections is asked anew); it may throw (an unreachable database),
     *             which the guard reports
     */
    public Guards(ControlStore store, GuardSettings settings, LongSupplier clockMillis, Supplier<VerifiedPair> here) {
        this(store == null ? null : new GuardReader(store, settings), settings, clockMillis, here);
    }

    private Guards(GuardReader reader, GuardSettings settings, LongSupplier clockMillis, Supplier<VerifiedPair> here) {
        this.reader = reader;
        this.settings = settings;
        this.clock = clockMillis;
        this.here = here;
    }

    public GuardSettings settings() {
        return settings;
    }

    /** Guards that read nothing: they decide over the snapshots they are given ({@link #forMove(GuardSnapshot, ControlState, Phase)}). */
    public static Guards over(GuardSettings settings, Supplier<VerifiedPair> here) {
        return new Guards((GuardReader) null, settings, () -> 0L, here);
    }

    /** What the guards read now, at the evaluator's clock. */
    public GuardSnapshot read() {
        if (reader == null) {
            throw new IllegalStateException("these guards read nothing: give them a snapshot");
        }
        return reader.read(clock.getAsLong());
    }

    /** The checks for moving from {@code state.phase()} to {@code to}; empty for a backward move or none. */
    public List<GuardCheck> forMove(ControlState state, Phase to) {
        return to.ordinal() > state.phase().ordinal() ? forMove(read(), state, to) : List.of();
    }

    /** {@link #forMove(ControlState, Phase)} over {@code snapshot}. */
    public List<GuardCheck> forMove(GuardSnapshot snapshot, ControlState state, Phase to) {
        Map<String, GuardCheck> checks = new LinkedHashMap<>();
        for (int i = state.phase().ordinal(); i < to.ordinal(); i++) {
            for (GuardCheck c : exitOf(snapshot, Phase.values()[i], state)) {
                checks.merge(c.name(), c, (a, b) -> a.ok() ? b : a);
            }
        }
        return new ArrayList<>(checks.values());
    }

    /** The exit conditions of {@code phase} as they stand now. */
    public List<GuardCheck> exitOf(Phase phase, ControlState state) {
        return phase == Phase.PLANNING || phase == Phase.CLEANUP ? List.of() : exitOf(read(), phase, state);
    }

    /** {@link #exitOf(Phase, ControlState)} over {@code s}. */
    public List<GuardCheck> exitOf(GuardSnapshot s, Phase phase, ControlState state) {
        return switch (phase) {
            case PLANNING, CLEANUP -> List.of();
            case BACKFILL -> List.of(backfillComplete(s));
            case DUAL_WRITE -> withSync(s, List.of(backfillComplete(s), queueDrained(s)));
            case SHADOW_READ -> withSync(s, List.of(verification(s, Verify.DIRECTION_FORWARD), queueDrained(s), shadowReads(s)));
            case TRAFFIC_SHIFT -> withSync(s, List.of(readsShifted(s, state), verification(s, Verify.DIRECTION_FORWARD), queueDrained(s),
                    shadowReads(s)));
            case NEW_PRIMARY -> List.of(queueDrained(s));
        };
    }

    /**
     * Whether the guards only a router can give evidence for apply: the shadow mismatch rate (its
     * shadow reads) and reads fully shifted (its read split). The one place this is decided. They do
     * not apply only when change capture is in use (its health hash {@link ControlKeys#sync()} is
     * present) and no router has ever reported for this migration (neither the mark a router leaves
     * when it creates its heartbeat, {@link ControlKeys#routersSeen()}, nor any heartbeat now): a
     * sync-only migration, whose writes follow by sync and whose evidence is the exact verification
     * (that guard, the queue and sync caught up stay in force). "Ever", not "live": the heartbeats
     * expire within seconds of a router stopping, and a router that is down or crashed must not
     * switch its guards off; the mark has no expiry and the router never removes it.
     */
    public static boolean routerGuardsApply(GuardSnapshot s) {
        return s.sync().isEmpty() || s.routers().everReported();
    }

    /** The line of a router guard that does not apply ({@link #routerGuardsApply}): passed, saying why. */
    private static GuardCheck notApplicable(GuardSnapshot s, String name, String what) {
        return new GuardCheck(name, true, what + ": not applicable - no router has reported for migration " + s.routers().migration()
                + "; writes follow by sync, exact verification is the evidence");
    }

    /** The shadow mismatch rate, or its line saying why it does not apply. */
    private GuardCheck shadowReads(GuardSnapshot s) {
        return routerGuardsApply(s) ? mismatchRate(s) : notApplicable(s, mismatchRateName(), "shadow reads");
    }

    /** How far behind change capture may be when a guard asks (its lag is the oldest waiting change's age). */
    public static final Duration SYNC_LAG_LIMIT = Duration.ofSeconds(5);
    /** How long sync may be silent (it writes its health every second) before the guard stops believing it runs. */
    public static final Duration SYNC_SILENCE = Duration.ofSeconds(15);

    private List<GuardCheck> withSync(GuardSnapshot s, List<GuardCheck> checks) {
        if (s.sync().isEmpty()) {
            return checks; // router mode: no change capture to wait for
        }
        List<GuardCheck> all = new ArrayList<>(checks);
        all.add(syncCaughtUp(s));
        return all;
    }

    /** The name of the change-capture guard's line ({@link #syncCaughtUp}). */
    public static final String SYNC_CAUGHT_UP = "change capture caught up";

    /** Change capture is running, recently heard from, and at most {@link #SYNC_LAG_LIMIT} behind. */
    public GuardCheck syncCaughtUp(GuardSnapshot s) {
        String name = SYNC_CAUGHT_UP;
        Map<String, String> h = s.sync();
        String state = h.getOrDefault(ControlKeys.Sync.STATE, "");
        String error = h.getOrDefault(ControlKeys.Sync.LAST_ERROR, "");
        long updated = parse(h.get(ControlKeys.Sync.UPDATED_AT));
        double lag = parseDouble(h.get(ControlKeys.Sync.LAG_SECONDS));
        long lagBytes = parse(h.get(ControlKeys.Sync.LAG_BYTES));
        String stopHint = " (start it: cutover sync --plan F; or, if this migration no longer uses change capture,"
                + " cutover sync --drop --plan F --redis R removes its slot and this record)";
        if (!"running".equals(state)) {
            return new GuardCheck(name, false, "cutover sync is " + (state.isEmpty() ? "not reporting a state" : state)
                    + (error.isEmpty() ? "" : " (last error: " + error + ")") + stopHint);
        }
        long silentMs = s.nowMillis() - updated;
        if (updated <= 0 || silentMs > SYNC_SILENCE.toMillis()) {
            return new GuardCheck(name, false, "no word from cutover sync for " + (updated <= 0 ? "ever" : (silentMs / 1000) + " s")
                    + " (it reports every second; limit " + SYNC_SILENCE.toSeconds() + " s): is it still running?" + stopHint);
        }
        String figures = String.format(java.util.Locale.ROOT, "%.1f s behind, %,d bytes of WAL not yet confirmed", lag, lagBytes);
        if (lag > SYNC_LAG_LIMIT.toSeconds()) {
            return new GuardCheck(name, false, figures + " (limit " + SYNC_LAG_LIMIT.toSeconds() + " s)"
                    + (error.isEmpty() ? "" : "; last error: " + error));
        }
        return new GuardCheck(name, true, figures);
    }

    private static double parseDouble(String v) {
        try {
            return v == null || v.isBlank() ? 0 : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            return Double.MAX_VALUE; // unreadable: never taken as caught up
        }
    }

    GuardCheck backfillComplete() {
        return backfillComplete(read());
    }

    GuardCheck queueDrained() {
        return queueDrained(read());
    }

    GuardCheck verification(String direction) {
        return verification(read(), direction);
    }

    GuardCheck mismatchRate() {
        return mismatchRate(read());
    }

    public GuardCheck backfillComplete(GuardSnapshot s) {
        String name = "backfill complete";
        Map<String, String> h = s.backfill();
        if (h.isEmpty()) {
            return new GuardCheck(name, false, "no backfill has run (cutover backfill --plan F)");
        }
        String state = h.getOrDefault(Backfill.STATE, "");
        String rows = count(h.getOrDefault(Backfill.ROWS_DONE, "?")) + (h.containsKey(Backfill.ROWS_TOTAL) ? " of " + count(h.get(Backfill.ROWS_TOTAL)) : "")
                + " rows";
        String missing = h.getOrDefault(Backfill.MISSING, "");
        if (!Backfill.STATE_COMPLETE.equals(state) || !missing.isEmpty()) {
            // every table of the plan must be complete; the rows alone say nothing of tables never run
            return new GuardCheck(name, false, "the backfill is " + (state.isEmpty() ? "in an unknown state" : state) + ": " + rows
                    + (h.containsKey(Backfill.TABLES_COMPLETE) ? " in " + h.get(Backfill.TABLES_COMPLETE) + " tables complete" : "")
                    + (missing.isEmpty() ? "" : "; not complete: " + missing));
        }
        String skipped = count(h.getOrDefault(Backfill.ROWS_SKIPPED, "0"));
        return new GuardCheck(name, true, h.containsKey(Backfill.ROWS_WRITTEN)
                ? count(h.get(Backfill.ROWS_DONE)) + " rows read, " + count(h.get(Backfill.ROWS_WRITTEN)) + " written"
                        + ("0".equals(skipped) ? "" : ", " + skipped + " skipped (cutover.backfill_skipped)")
                : rows + " copied (state complete)");
    }

    public GuardCheck queueDrained(GuardSnapshot s) {
        String name = "failed-write queue drained";
        long n = s.failedWritesWaiting();
        return n == 0 ? new GuardCheck(name, true, "0 failed writes waiting")
                : new GuardCheck(name, false, count(n) + " failed write" + (n == 1 ? "" : "s") + " waiting to be replayed");
    }

    public GuardCheck verification(GuardSnapshot s, String direction) {
        String name = VERIFICATION;
        Map<String, String> h = s.verification();
        if (h.isEmpty()) {
            return new GuardCheck(name, false, "no verification has run (cutover verify --plan F)");
        }
        String mismatch = identityMismatch(VerifiedPair.fromFields(h));
        if (mismatch != null) {
            return new GuardCheck(name, false, mismatch);
        }
        long at = parse(h.get(Verify.AT));
        long age = s.nowMillis() - at;
        String seen = "the latest verification (" + count(h.getOrDefault(Verify.ROWS_COMPARED, "?")) + " rows compared, "
                + (at <= 0 ? "undated" : human(Duration.ofMillis(Math.max(0, age))) + " ago") + ")";
        if ("true".equals(h.get(Verify.SAMPLED))) {
            return new GuardCheck(name, false, seen + " was sampled; only a full verification counts");
        }
        String dir = h.getOrDefault(Verify.DIRECTION, "");
        if (!direction.equals(dir)) {
            return new GuardCheck(name, false, seen + " ran " + (dir.isEmpty() ? "in no stated direction" : dir)
                    + "; a " + direction + " one is needed");
        }
        if (!"true".equals(h.get(Verify.CLEAN))) {
            return new GuardCheck(name, false, seen + " found " + count(h.getOrDefault(Verify.DIFFERENCES, "?"))
                    + " differences (cutover repair, then cutover verify)");
        }
        if (at <= 0 || age > settings.verifyMaxAge().toMillis()) {
            return new GuardCheck(name, false, "the latest verification is " + (at <= 0 ? "undated" : human(Duration.ofMillis(age)) + " old")
                    + " (older than " + human(settings.verifyMaxAge()) + " is stale); run cutover verify again");
        }
        String changed = staleness(s);
        if (changed != null) {
            return new GuardCheck(name, false, "the latest verification is stale: " + changed + "; run cutover verify again");
        }
        return new GuardCheck(name, true, count(h.getOrDefault(Verify.ROWS_COMPARED, "?")) + " rows compared, 0 differences, "
                + human(Duration.ofMillis(Math.max(0, age))) + " ago, of these databases and plan ("
                + VerifiedPair.fromFields(h).describe() + ")");
    }

    /**
     * Why the recorded verification is not of the databases and plan this evaluator is connected
     * to, or null when it is. A part the evaluator does not know cannot be matched: refused, saying
     * what was verified and what to give.
     */
    String identityMismatch(VerifiedPair verified) {
        if (verified.oldDb() == null || verified.newDb() == null || verified.planHash() == null) {
            return "the latest verification recorded no database identity or plan hash (" + verified.describe()
                    + "): it cannot be told to be of these databases; run cutover verify again";
        }
        VerifiedPair now;
        try {
            now = here.get();
        } catch (RuntimeException e) {
            return "cannot tell which databases this check is connected to (" + e.getMessage() + "); the latest verification was of "
                    + verified.describe();
        }
        List<String> unknown = new ArrayList<>();
        List<String> different = new ArrayList<>();
        if (now.oldDb() == null) {
            unknown.add("no old database (--old)");
        } else if (!now.oldDb().sameAs(verified.oldDb())) {
            different.add("old " + verified.oldDb().describe() + " was verified, but this check is connected to old "
                    + now.oldDb().describe());
        }
        if (now.newDb() == null) {
            unknown.add("no new database (--new)");
        } else if (!now.newDb().sameAs(verified.newDb())) {
            different.add("new " + verified.newDb().describe() + " was verified, but this check is connected to new "
                    + now.newDb().describe());
        }
        if (now.planHash() == null) {
            unknown.add("no plan (--plan)");
        } else if (!now.planHash().equals(verified.planHash())) {
            different.add("the verification ran with plan " + VerifiedPair.shortHash(verified.planHash()) + ", but this check has plan "
                    + VerifiedPair.shortHash(now.planHash()) + " (the plan changed since: verify again)");
        }
        if (!different.isEmpty()) {
            return "the latest verification is of other databases or another plan: " + String.join("; ", different);
        }
        if (!unknown.isEmpty()) {
            return "cannot check that the latest verification (" + verified.describe() + ") is of this migration's databases and plan: "
                    + "this check has " + String.join(", ", unknown);
        }
        return null;
    }

    /**
     * The shadow mismatch rate over the window. Always says what it saw (comparisons, mismatches,
     * rate, and how much of the window had shadow reads); a rate at or above the limit refuses
     * whatever the number of comparisons (a few samples that mostly mismatch are not "too few to
     * tell"); a clean rate needs at least {@code minCompared} comparisons spread over the window.
     */
    public GuardCheck mismatchRate(GuardSnapshot s) {
        long window = Math.max(1, settings.mismatchWindow().toSeconds());
        String limit = percent(settings.maxMismatchRate());
        String name = mismatchRateName();
        long now = s.nowMillis() / 1000;
        List<MetricsSecond> buckets = s.window();
        MetricsSecond total = MetricsSecond.sum(now - window, (int) window, buckets);
        long first = buckets.stream().filter(b -> b.compared() > 0).mapToLong(MetricsSecond::epochSecond).min().orElse(Long.MAX_VALUE);
        long tolerance = Math.max(1, window / 10);
        String over = " in the last " + human(settings.mismatchWindow());
        if (total.compared() == 0) {
            return new GuardCheck(name, false, "no shadow reads compared" + over + "; at least " + count(settings.minCompared())
                    + " comparisons needed (is the shadow sample rate above 0?)");
        }
        String seen = percent(total.mismatchRate()) + " mismatched (" + count(total.mismatches()) + " of " + count(total.compared())
                + " compared)" + over;
        if (total.mismatches() > 0 && total.mismatchRate() >= settings.maxMismatchRate()) {
            return new GuardCheck(name, false, seen + ", above the " + limit + " limit"
                    + (total.compared() < settings.minCompared()
                    ? " (refused on the rate, although fewer than the " + count(settings.minCompared()) + " comparisons needed for a pass were made)"
                    : ""));
        }
        if (total.compared() < settings.minCompared()) {
            // some were compared, so the sample rate is above 0: the question fits only when none were
            return new GuardCheck(name, false, seen + "; at least " + count(settings.minCompared()) + " comparisons needed");
        }
        if (first > now - window + tolerance) {
            return new GuardCheck(name, false, seen + "; but shadow reads only for the last " + human(Duration.ofSeconds(now - first))
                    + " of the " + human(settings.mismatchWindow()) + " window");
        }
        return new GuardCheck(name, true, seen + ", under the " + limit + " limit");
    }

    private String mismatchRateName() {
        return "shadow mismatch rate under " + percent(settings.maxMismatchRate()) + " for " + human(settings.mismatchWindow());
    }

    /** The name of the verification guard's line. */
    public static final String VERIFICATION = "verification clean and fresh";

    /**
     * Why what the latest verification compared has changed since it, or null when nothing did:
     * a repair that changed rows after it, failed writes queued after it, mirror writes that failed
     * or shadow reads that mismatched in the metric buckets since it. Every reason is named.
     */
    public static String staleness(GuardSnapshot s) {
        long at = parse(s.verification().get(Verify.AT));
        if (at <= 0) {
            return null;
        }
        List<String> why = new ArrayList<>();
        long repaired = parse(s.verification().get(Verify.REPAIRED_AT));
        if (repaired > at) {
            why.add("a repair changed rows " + human(Duration.ofMillis(repaired - at)) + " after it");
        }
        GuardSnapshot.AfterVerification a = s.after();
        if (a.lastFailedWriteMillis() > at) {
            why.add("a failed write was queued " + human(Duration.ofMillis(a.lastFailedWriteMillis() - at)) + " after it");
        }
        long failures = a.metrics().get(ControlKeys.Metric.MIRROR_FAILURES);
        if (failures > 0) {
            why.add(count(failures) + " mirror write" + (failures == 1 ? "" : "s") + " failed since");
        }
        long mismatches = a.metrics().mismatches();
        if (mismatches > 0) {
            why.add(count(mismatches) + " shadow read" + (mismatches == 1 ? "" : "s") + " mismatched since");
        }
        return why.isEmpty() ? null : String.join(", ", why);
    }

    /** Reads fully shifted, or its line saying why it does not apply ({@link #routerGuardsApply}). */
    static GuardCheck readsShifted(GuardSnapshot s, ControlState state) {
        return routerGuardsApply(s) ? readsShifted(state)
                : notApplicable(s, READS_SHIFTED, "read shift (read_percent " + state.readPercent() + ")");
    }

    /** The name of the read-shift guard's line. */
    public static final String READS_SHIFTED = "reads fully shifted";

    static GuardCheck readsShifted(ControlState state) {
        String name = READS_SHIFTED;
        return state.readPercent() == 100 ? new GuardCheck(name, true, "100% of reads on the new side")
                : new GuardCheck(name, false, "reads are " + state.readPercent() + "% on the new side; shift to 100% first (cutover traffic)");
    }

    /** A count with thousands separators, whatever the machine's locale: 20500 → "20,500". */
    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    /** A count read from Redis with thousands separators; what is not a whole number ("?") as it is. */
    static String count(String raw) {
        try {
            return raw == null ? "?" : count(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            return raw;
        }
    }

    static String percent(double rate) {
        return new BigDecimal(rate * 100).round(new MathContext(3)).stripTrailingZeros().toPlainString() + "%";
    }

    /** {@code 90 s}, {@code 10 min}, {@code 26 h}. */
    public static String human(Duration d) {
        long s = d.toSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 2 * 3600) {
            return (s / 60) + " min";
        }
        if (s < 2 * 86400) {
            return (s / 3600) + " h";
        }
        return (s / 86400) + " days";
    }

    static long parse(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
