package dev.cutover.app;

import dev.cutover.control.Phase;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.verify.Difference;
import dev.cutover.verify.VerifySummary;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.ResultStore;
import dev.cutover.verify.Verifier;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.verify.VerifyReport;
import dev.cutover.work.Throttle;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The verify and repair workflows of both front ends ({@code cutover verify/repair} and the
 * console's Verify screen), written once:
 * <ul>
 * <li>the direction from the phase in Redis (reverse from new_primary on; forward without Redis or
 *     phase), or given;</li>
 * <li>verify-and-record: run the comparison, store the result in {@code cutover.verification} with
 *     what it was of ({@link VerifiedPair}: both databases' identities and the plan's hash), and — a
 *     run of every table, with Redis — publish the summary the phase guard reads;</li>
 * <li>repair (all, or chosen differences) recorded in Redis when it changed rows, so the guard
 *     no longer accepts the verification made before it; repair-then-verify.</li>
 * </ul>
 * A front end only collects options, shows progress and prints or displays the outcome.
 */
public final class VerifyWorkflow {
    /** The direction of a run and a one-line note saying where it came from. */
    public record Chosen(Direction direction, String why) {
    }

    /** Told of each engine as it starts (its throttle and its stop), and with nulls when none runs any more. */
    public interface Live {
        Live NONE = (throttle, stop) -> {
        };

        void running(Throttle throttle, Runnable stop);
    }

    /** What a verification found and what was recorded of it. */
    public record Recorded(VerifyReport report, VerifiedPair pair, boolean summaryPublished, List<Difference> listed,
                           long written) {
    }

    /** A repair of every difference, then the verification after it. */
    public record RepairedAndVerified(Repairer.Result repaired, Recorded verified) {
    }

    private final Plan plan;
    private final Db oldDb;
    private final Db newDb;
    private final String redisUrl;
    private final Clock clock;

    /** @param redisUrl null without Redis: results stored in the new database only */
    public VerifyWorkflow(Plan plan, Db oldDb, Db newDb, String redisUrl) {
        this(plan, oldDb, newDb, redisUrl, Clock.systemUTC());
    }

    public VerifyWorkflow(Plan plan, Db oldDb, Db newDb, String redisUrl, Clock clock) {
        this.plan = plan;
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.redisUrl = redisUrl;
        this.clock = clock;
    }

    /** {@code forward} or {@code reverse} as given by the user; anything else is refused in one line. */
    public static Chosen given(String direction) {
        return switch (direction.toLowerCase(Locale.ROOT)) {
            case "forward" -> new Chosen(Direction.FORWARD, "given");
            case "reverse" -> new Chosen(Direction.REVERSE, "given");
            default -> throw new IllegalArgumentException("--direction must be forward or reverse (got " + direction + ")");
        };
    }

    /** The direction the phase in Redis implies (reverse from new_primary on); forward without Redis or phase. */
    public static Chosen fromPhase(String redisUrl, String migration) {
        if (redisUrl == null) {
            return new Chosen(Direction.FORWARD, "no Redis given, so the old database is taken as the truth");
        }
        Optional<Phase> p = VerifySummary.phase(redisUrl, migration);
        if (p.isEmpty()) {
            return new Chosen(Direction.FORWARD, "no phase set in Redis yet");
        }
        return new Chosen(VerifySummary.direction(p.get()), "phase " + p.get().wireName());
    }

    /** {@link #fromPhase} of this workflow's migration. */
    public Chosen direction() {
        return fromPhase(redisUrl, plan.name());
    }

    /** Whether a run's result reaches the Redis summary the phase guard reads (a run of every table, with Redis). */
    public boolean publishes(VerifyReport r) {
        return redisUrl != null && r.complete();
    }

    /**
     * Verifies, stores the result with its identity and publishes the summary. {@code keep}
     * differences (of every worker of the run) are returned for a list; with {@code csv} every one
     * is written there ({@link CsvExport}).
     */
    public Recorded verifyAndRecord(VerifyOptions options, VerifyListener listener, Live live, int keep, Path csv)
            throws IOException {
        if (csv != null) {
            CsvExport.requireFolder(csv);
        }
        VerifiedPair pair = VerifiedPair.of(plan, oldDb, newDb); // what this run is of, for the phase guard
        Verifier v = new Verifier(plan, oldDb, newDb, options, listener);
        VerifyReport r;
        List<Difference> listed;
        live.running(v.throttle(), v::stop);
        try {
            r = v.verify();
            listed = keep > 0 ? v.differences(keep) : List.of();
        } finally {
            live.running(null, null);
        }
        long written = csv == null ? 0 : CsvExport.differences(csv, v::eachDifference);
        ResultStore.save(newDb, plan.name(), r, pair);
        boolean published = publishes(r);
        if (published) {
            VerifySummary.write(redisUrl, plan.name(), r, pair);
        }
        return new Recorded(r, pair, published, listed, written);
    }

    /** Re-syncs every differing row from the truth side of {@code options}' direction; recorded when rows changed. */
    public Repairer.Result repair(VerifyOptions options, VerifyListener listener, Live live) {
        Repairer rep = new Repairer(plan, oldDb, newDb, options, listener);
        live.running(rep.throttle(), rep::stop);
        Repairer.Result r;
        try {
            r = rep.repair();
        } finally {
            live.running(null, null);
        }
        recordRepair(r.upserted() + r.deleted());
        return r;
    }

    /** {@link #repair}, then {@link #verifyAndRecord} with the same options (sampled as {@code sample}). */
    public RepairedAndVerified repairThenVerify(VerifyOptions options, VerifyListener repairListener,
                                                VerifyListener verifyListener, Live live, int keep) throws IOException {
        Repairer.Result repaired = repair(options, repairListener, live);
        return new RepairedAndVerified(repaired, verifyAndRecord(options, verifyListener, live, keep, null));
    }

    /**
     * Re-syncs exactly the chosen differences, found in direction {@code foundIn}; refused when the
     * phase now makes the other side the truth. Recorded when rows changed.
     */
    public Repairer.Selected repairSelected(List<Difference> chosen, Direction foundIn) {
        Direction now = direction().direction();
        if (now != foundIn) {
            throw new IllegalStateException("the phase now makes the " + (now == Direction.FORWARD ? "old" : "new")
                    + " database the truth, but these differences were found the other way round: verify again before repairing");
        }
        Repairer.Selected s = new Repairer(plan, oldDb, newDb, VerifyOptions.defaults(foundIn), VerifyListener.NONE).repair(chosen);
        recordRepair(s.upserted() + s.deleted());
        return s;
    }

    private void recordRepair(long changed) {
        if (changed > 0 && redisUrl != null) {
            VerifySummary.repaired(redisUrl, plan.name(), clock.millis());
        }
    }
}
