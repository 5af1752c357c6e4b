package dev.cutover.ui.verify;

import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.LeaseHolders;
import dev.cutover.ui.RunThrottle;
import dev.cutover.ui.ConsoleRedis;
import dev.cutover.ui.Session;
import dev.cutover.verify.Difference;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.VerifyReport;
import dev.cutover.work.WorkerId;
import java.nio.file.Path;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The Verify screen's state and commands over {@code dev.cutover.verify}: a full or sampled
 * verification (background work the status bar can cancel) with per-table progress from the
 * engine's progress events (rows compared by every worker of the run, machines joining with
 * {@code cutover worker --job verify} included), the differences it confirmed, "Repair all"
 * through {@link Repairer} in the current truth direction followed by a new verification,
 * "Repair selected" (only the chosen differences, re-synced by key and compared again) and the CSV
 * export ({@link DifferenceExport}). The run itself, from start to finish, is {@link VerifyRun}; the
 * per-table lines are {@link VerifyTables}. The options the command line has: worker threads, a rows/s
 * cap and pause that act on a running comparison (through Redis on every worker of the run), one
 * table or all. Like the command line, a run is stored in {@code cutover.verification} and (a run
 * of every table, with Redis) in the verify summary hash. While the screen is shown, the workers
 * holding chunk leases of a verify run in Redis are polled every second ({@link LeaseHolders}, as on
 * the Backfill screen): this console's while it runs, and every {@code cutover worker --job verify}.
 * Tables are named {@code schema.table} of the compared side, as on the Backfill screen.
 */
public final class VerifyViewModel {
    /** Differences kept in memory for the list and the export; beyond that the command line's --csv has them all. */
    public static final int KEPT = 100_000;

    /** One table's line (named {@code schema.table}): state, rows compared (of the estimate) and differences by kind so far. */
    public record TableRow(String table, String state, long rowsCompared, long estimate, long missingInTarget,
                           long extraInTarget, long different) {
        TableRow plus(Difference.Kind kind, int n) {
            return new TableRow(table, state, rowsCompared, estimate,
                    missingInTarget + (kind == Difference.Kind.MISSING_IN_TARGET ? n : 0),
                    extraInTarget + (kind == Difference.Kind.EXTRA_IN_TARGET ? n : 0),
                    different + (kind == Difference.Kind.DIFFERENT ? n : 0));
        }
    }

    private final Session session;
    private final ObservableValue<Plan> plan;
    private final ConsoleRedis redis = new ConsoleRedis();
    private final ObservableList<String> tableChoices = FXCollections.observableArrayList();
    private final ObjectProperty<Difference> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<VerifyReport> report = new SimpleObjectProperty<>();
    private final IntegerProperty sample = new SimpleIntegerProperty(0);
    private final IntegerProperty threads = new SimpleIntegerProperty(2);
    private final StringProperty table = new SimpleStringProperty(null);
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty verdict = new SimpleStringProperty("");
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    /** The run's workers and the stored verification's freshness, read from Redis while the screen is shown. */
    private final VerifyWatch watch;
    /** This console's worker id in the run going now (the repair and the verify of "Repair all" share it), or null. */
    private String localWorker;
    /** The per-table lines and how tables are named. */
    private final VerifyTables tables;
    /** The run going now or last: its task, the engine's events, the differences listed. */
    private final VerifyRun run;
    private final DifferenceExport export;
    /** The engine running now (a verify, or the repair of "Repair all"): the cap, pause and cancel act on it (shared with Backfill). */
    private final RunThrottle throttle;

    public VerifyViewModel(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan) {
        this.session = session;
        this.plan = plan;
        this.throttle = new RunThrottle("verify", tasks, redis, RunThrottle.Run.of(plan, session, running), message::set);
        this.tables = new VerifyTables(plan::getValue);
        this.run = new VerifyRun(tasks, throttle.controls(), tables, KEPT);
        this.export = new DifferenceExport(tasks);
        this.watch = new VerifyWatch(session, tasks, plan, redis, () -> localWorker);
        throttle.paused().addListener((o, a, b) -> {
            if (running.get()) {
                message.set(b ? "Paused: workers stop after the chunk in hand." : "Resumed.");
            }
        });
        plan.addListener((o, a, b) -> choices(b));
        choices(plan.getValue());
        running.addListener((o, a, b) -> {
            if (!b) {
                localWorker = null;
            }
            pollWorkers(); // this console appears in the list when a run starts and leaves it when it ends, at once
        });
    }

    /** Starts polling Redis for the run's workers (while the screen is shown). */
    public void startPolling() {
        watch.start();
    }

    public void stopPolling() {
        watch.stop();
    }

    /** Reads who holds chunk leases of a verify run in Redis (off the FX thread). */
    public void pollWorkers() {
        watch.pollWorkers();
    }

    /** Reads (at most every 5 s unless {@code now}) whether the latest verification stored in Redis still holds, into {@link #stale()}. */
    public void refreshStaleness(boolean now) {
        watch.refreshStaleness(now);
    }

    /**
     * A compared table's name as the screens show it: {@code schema.table} of the compared side (the
     * new database's table going forward, the old one's in reverse), as the Backfill screen names
     * tables; the engine and the CSV name it by its bare name.
     */
    public String shown(String table) {
        return tables.shown(table);
    }

    /** A table of the plan chosen under Table (its bare target name) as the choice shows it: {@code schema.table}. */
    public String choiceName(String target) {
        return tables.choiceName(target);
    }

    private void choices(Plan p) {
        tableChoices.setAll(VerifyTables.choices(p));
        if (table.get() != null && !tableChoices.contains(table.get())) {
            table.set(null);
        }
    }

    /** What is missing before a run can start, or null when it can. */
    public String missing() {
        return session.missingForARun(plan.getValue());
    }

    /** Verifies the plan's tables (or {@link #table()}): every row, or {@link #sample()} random keys per table when it is above 0. */
    public void verify() {
        start(false);
    }

    /** Re-syncs every differing row from the truth side (direction from the phase in Redis), then verifies again. */
    public void repairAll() {
        start(true);
    }

    private void start(boolean repair) {
        String why = missing();
        if (why != null) {
            message.set(why);
            return;
        }
        if (running.get()) {
            return;
        }
        Plan p = plan.getValue();
        int n = Math.max(0, sample.get());
        List<String> only = table.get() == null ? List.of() : List.of(table.get());
        String workerId = WorkerId.generate();
        localWorker = workerId;
        running.set(true);
        error.set(null);
        selected.set(null);
        report.set(null);
        verdict.set("");
        String what = repair ? "Repair of " + p.name() : (n > 0 ? "Sampled verify of " : "Verify of ") + p.name();
        message.set(what + " running…");
        run.start(what, new VerifyRun.Settings(p, session.oldDb().get(), session.newDb().get(), session.redisUrl().get(), n,
                threads.get(), only, workerId, repair), o -> finished(p, o), t -> {
            running.set(false);
            error.set(t);
            // the error itself is the error line's, just below: said once
            message.set((repair ? "Repair of " : "Verify of ") + p.name() + " failed; nothing was stored. The error is below.");
        }, () -> {
            running.set(false);
            message.set(what + " cancelled: nothing was decided or stored.");
        });
    }

    private void finished(Plan p, VerifyRun.Outcome o) {
        running.set(false);
        VerifyReport r = o.report();
        boolean truncated = r.differences() > o.listed().size();
        verdict.set(VerifyWords.verdict(r));
        message.set(VerifyWords.finished(p.name(), r, o.repaired(), r.tables().stream().map(t -> shown(t.table())).toList(), truncated, KEPT));
        refreshStaleness(true);
        report.set(r); // last: the report is the signal that the run ended, with verdict and message in place
    }

    /**
     * Re-syncs only the chosen differences from the truth side (by key, through the engine's
     * {@link Repairer#repair(List)}), compares those keys again and updates the list: repaired rows
     * leave it, rows that still differ stay with what they look like now. Refused when the phase now
     * makes the other side the truth than in the verification that found them.
     */
    public void repairSelected(List<Difference> chosen) {
        VerifyReport found = report.get();
        if (running.get() || chosen.isEmpty() || found == null || missing() != null) {
            return;
        }
        List<Difference> picked = List.copyOf(chosen);
        Direction d = found.direction();
        running.set(true);
        error.set(null);
        message.set("Repairing " + String.format("%,d", picked.size()) + " selected rows…");
        Plan p = plan.getValue();
        run.repairSelected("Repair selected rows of " + p.name(), p, session.oldDb().get(), session.newDb().get(),
                session.redisUrl().get(), picked, d, sel -> {
            running.set(false);
            if (selected.get() != null && picked.contains(selected.get())) { // List.copyOf refuses contains(null)
                selected.set(null);
            }
            message.set(VerifyWords.repairedSelected(picked.size(), d, sel));
            verdict.set(String.format("%,d", differences().size()) + " differences listed after repairing selected rows "
                    + "(run Verify for a verdict)");
            refreshStaleness(true); // a repair that changed rows makes the stored verification stale: shown at once
        }, t -> {
            running.set(false);
            error.set(t);
            message.set("Repair of the selected rows failed. The error is below.");
        });
    }

    /** Writes the listed differences to {@code file} through the app layer's {@code CsvExport} (owner-only, replaced atomically). */
    public void exportCsv(Path file) {
        export.csv(file, differences(), message::set, (line, t) -> {
            error.set(t);
            message.set(line);
        });
    }

    /** The plan's name (names the export file), "cutover" without a plan. */
    public String planName() {
        Plan p = plan.getValue();
        return p == null ? "cutover" : p.name();
    }

    /** Cancels the running verification or repair: the engine stops after the chunks in hand, nothing is decided. */
    public void cancel() {
        run.cancel();
    }

    public ObservableList<TableRow> tables() {
        return tables.rows();
    }

    public ObservableList<Difference> differences() {
        return run.differences();
    }

    public ObjectProperty<Difference> selected() {
        return selected;
    }

    public ObjectProperty<VerifyReport> report() {
        return report;
    }

    /** Random keys per table; 0 compares every row. */
    public IntegerProperty sample() {
        return sample;
    }

    /** Worker threads of this console's run (1–64); other machines join with {@code cutover worker --job verify}. */
    public IntegerProperty workerThreads() {
        return threads;
    }

    /** Rows/s cap, 0 = none. Acts on a running comparison at once (and through Redis on every worker of the run). */
    public LongProperty cap() {
        return throttle.cap();
    }

    /** Pauses the running comparison after the chunks in hand (every worker of the run, with Redis). */
    public BooleanProperty paused() {
        return throttle.paused();
    }

    /** The one table to compare (its target name), or null for every table of the plan. */
    public StringProperty table() {
        return table;
    }

    /** The plan's tables, for the table choice. */
    public ObservableList<String> tableChoices() {
        return tableChoices;
    }

    public BooleanProperty running() {
        return running;
    }

    public StringProperty message() {
        return message;
    }

    /** The result in one line; starts with "SAMPLE" for a sampled run. */
    public StringProperty verdict() {
        return verdict;
    }

    /**
     * Why the latest verification stored in Redis no longer holds (a repair, failed writes, mirror
     * failures or shadow mismatches after it: the phase guard refuses it), or empty.
     */
    public StringProperty stale() {
        return watch.stale();
    }

    /**
     * The next step in one line while the phase is dual_write and the latest verification is
     * missing, has differences, is too old or stale (Shadow reads needs a clean, fresh one), or empty.
     */
    public javafx.beans.binding.StringBinding next() {
        return Bindings.createStringBinding(() -> watch.verifyNext().get() ? VerifyWords.NEXT
                : watch.notFollowed().get() ? VerifyWords.NOT_FOLLOWED : "", watch.verifyNext(), watch.notFollowed());
    }

    /** "paused", "backing off: …", or empty. */
    public StringProperty throttleState() {
        return run.throttleState();
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    /** The workers holding chunk leases of the verify run in Redis now, this console first while it runs. */
    public ObservableList<LeaseHolders.Worker> workers() {
        return watch.workers();
    }

    /** This console's worker id in the run going now, or null. */
    public String localWorker() {
        return localWorker;
    }

    public Direction lastDirection() {
        return tables.direction();
    }

    public BooleanBinding canStart() {
        return Bindings.createBooleanBinding(() -> !running.get() && plan.getValue() != null
                && session.oldDb().get() != null && session.newDb().get() != null, running, plan, session.oldDb(), session.newDb());
    }

    public BooleanBinding canRepairOrExport() {
        return Bindings.createBooleanBinding(() -> !running.get() && !differences().isEmpty(), running, differences());
    }

    public void close() {
        watch.close();
        cancel();
        redis.close();
    }
}
