package dev.cutover.cli;

import dev.cutover.backfill.BackfillEngine;
import dev.cutover.backfill.BackfillOptions;
import dev.cutover.backfill.BackfillReport;
import dev.cutover.backfill.ErrorPolicy;
import dev.cutover.backfill.LoadMode;
import dev.cutover.work.ChunkLedger;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.work.JobOptions;
import dev.cutover.work.TableProgress;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** What {@code backfill} and {@code worker} share: connections, plan, tuning, progress display and the final report. */
abstract class BackfillRunCommand implements Callable<Integer> {
    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Mixin
    WorkOptions work;

    @Spec
    CommandSpec spec;

    @Option(names = "--table", paramLabel = "T", description = "only this table (target or source name; repeatable)")
    List<String> tables = List.of();

    @Option(names = "--on-error", paramLabel = "stop|skip",
            description = "a row that fails its transform stops its table (stop, default) or is recorded and skipped (skip)")
    String onError = "stop";

    @Option(names = "--load", paramLabel = "auto|staging",
            description = "auto: COPY into the target, through staging once a key is found there; staging: always staging + ON CONFLICT DO NOTHING (default: ${DEFAULT-VALUE})")
    String load = "auto";

    /** True for {@code worker}: joins through Redis, never restarts. */
    abstract boolean joining();

    boolean restart() {
        return false;
    }

    /** True for {@code backfill --with-sync}: the sync slot is made before any row is read. */
    boolean withSync() {
        return false;
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String redisUrl = connections.redisUrlIfGiven();
        if (joining() && redisUrl == null) {
            throw new UserError("worker needs --redis (or CUTOVER_REDIS_URL): workers of one run share chunk leases there");
        }
        JobOptions jo = work.job(redisUrl);
        BackfillOptions o = new BackfillOptions().tables(tables).onError(policy()).load(loadMode()).restart(restart());
        o.work(work.budget("backfill", jo, ConnectionBudget.Need.backfill(jo), connections.oldDb(), connections.newDb(), out));
        WorkOptions.checkKeys("backfill", jo, planOptions.plan(), tables, connections.oldDb(), connections.newDb());
        BackfillEngine engine = new BackfillEngine(connections.oldDb(), connections.newDb(), planOptions.plan(), o);
        if (redisUrl == null) {
            out.println("backfill: no --redis: one process (" + work.workers + " threads), no leases, no summary in Redis");
        } else {
            out.println("backfill: " + (joining() ? "joining" : "running") + " " + planOptions.plan().name() + " as worker "
                    + engine.workerId() + " (" + work.workers + " threads), leases and summary in Redis");
        }
        if (withSync()) {
            // before any key range is fixed or row read: every commit after the slot's consistent point
            // is in its stream, every one before it is visible to the backfill's reads (docs/sync.md)
            dev.cutover.capture.SyncSlot slot = new dev.cutover.capture.SyncSlot(connections.oldDb(), planOptions.plan());
            dev.cutover.capture.SyncSlot.Ensured e = slot.ensure();
            out.println("backfill: " + (e.slotCreated() ? "created replication slot " + slot.slot() + " at " + e.consistentLsn()
                    : "replication slot " + slot.slot() + " already there") + "; after the backfill, 'cutover sync' brings every"
                    + " change made meanwhile");
        }
        out.flush();
        BackfillReport report;
        try (StopHook hook = new StopHook(engine::stop)) {
            dev.cutover.work.LockRetakes retakes = new dev.cutover.work.LockRetakes(jo);
            while (true) {
                try {
                    report = engine.run(work.printer(out));
                    break;
                } catch (dev.cutover.work.RunLockLost e) {
                    // the lock's session died (a killed or lost connection): nothing was copied after that; run again,
                    // which takes the lock again and resumes from the ledger, or is refused if another backfill holds it.
                    // It gives up only on a real lack of progress (LockRetakes: a count and a time, docs/backfill.md)
                    long wait = retakes.afterLoss(e);
                    if (wait < 0) {
                        throw e;
                    }
                    out.println("note: " + e.getMessage().replace(", run it again to resume", "") + "; taking the lock again to resume"
                            + (wait > 0 ? String.format(Locale.ROOT, " in %.1f s (%d times in a row without progress)", wait / 1000.0,
                                    retakes.lostWithoutProgress()) : ""));
                    out.flush();
                    Thread.sleep(wait);
                }
            }
        }
        return report(report, out, err);
    }

    private ErrorPolicy policy() {
        return switch (onError.toLowerCase(Locale.ROOT)) {
            case "stop" -> ErrorPolicy.STOP;
            case "skip" -> ErrorPolicy.SKIP;
            default -> throw new UserError("--on-error must be stop or skip, got " + onError);
        };
    }

    private LoadMode loadMode() {
        return switch (load.toLowerCase(Locale.ROOT)) {
            case "auto" -> LoadMode.AUTO;
            case "staging" -> LoadMode.STAGING;
            default -> throw new UserError("--load must be auto or staging, got " + load);
        };
    }

    /**
     * The end of the output: per table what happened to its rows (read, written, skipped, already
     * there), this process's share, the skipped rows and where they are recorded, the tables of the
     * plan this run left out; then the exit status, 0 only when every table of the run is complete.
     */
    private static int report(BackfillReport r, PrintWriter out, PrintWriter err) {
        for (BackfillReport.TableCounts t : r.counts()) {
            out.printf(Locale.ROOT, "%s: %s, %,d rows read, %,d written, %,d skipped%s%n", t.table(), t.state(), t.rowsRead(),
                    t.rowsWritten(), t.rowsSkipped(),
                    t.rowsAlreadyThere() > 0 ? String.format(Locale.ROOT, ", %,d already in the target", t.rowsAlreadyThere()) : "");
        }
        double secs = r.workTime().toNanos() / 1e9;
        out.printf(Locale.ROOT, "this process read %,d rows in %.2f s (%,.0f rows/s)%s%n", r.rowsByThisProcess(), secs,
                secs > 0 ? r.rowsByThisProcess() / secs : 0.0,
                r.retries() > 0 ? String.format(Locale.ROOT, "; %,d attempts made again after a lost connection", r.retries()) : "");
        if (!r.skipped().isEmpty()) {
            out.printf(Locale.ROOT, "%,d skipped rows (--on-error skip; recorded in cutover.backfill_skipped of the new database):%n",
                    r.skipped().size());
            for (BackfillReport.SkippedRow s : r.skipped()) {
                out.println("  " + s.table() + " " + s.key() + ": " + s.error());
            }
        }
        long complete = r.counts().stream().filter(t -> t.state() == dev.cutover.work.TableState.COMPLETE).count();
        long failed = r.counts().stream().filter(t -> t.state() == dev.cutover.work.TableState.FAILED).count();
        out.printf(Locale.ROOT, "tables: %d complete, %d failed, %d not finished%s%n", complete, failed,
                r.counts().size() - complete - failed,
                r.notRun().isEmpty() ? "" : "; not in this run and not copied yet: " + String.join(", ", r.notRun()));
        r.warnings().forEach(w -> out.println("note: " + w + " (the other workers finished its chunks)"));
        out.flush();
        List<String> errors = new java.util.ArrayList<>(r.errors());
        for (ChunkLedger.Failed f : r.failedChunks()) {
            boolean tableSaid = r.tables().stream().anyMatch(t -> t.table().equals(f.table()) && t.error() != null);
            if (!tableSaid && errors.stream().noneMatch(e -> e.equals(f.error()))) {
                errors.add(f.table() + ": chunk " + f.seq() + " with keys " + f.range() + " failed after " + f.attempts()
                        + " attempts: " + f.error());
            }
        }
        errors.forEach(e -> err.println("cutover: " + e));
        err.flush();
        if (!errors.isEmpty() || !r.failedChunks().isEmpty()) {
            return ExitCodes.ERROR;
        }
        if (!r.complete()) {
            err.println("cutover: backfill stopped before the end; run it again to resume");
            err.flush();
            return ExitCodes.ERROR;
        }
        if (r.notRun().isEmpty()) {
            out.println("backfill complete");
        } else {
            out.println("backfill of the selected tables complete; the phase guard waits for the plan's other tables: "
                    + String.join(", ", r.notRun()));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
