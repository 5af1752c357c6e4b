package dev.cutover.ui.verify;

import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import dev.cutover.verify.Difference;
import dev.cutover.verify.DifferenceCsv;
import dev.cutover.verify.RedisSummary;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.ResultStore;
import dev.cutover.verify.TableReport;
import dev.cutover.verify.Verifier;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.verify.VerifyReport;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

/**
 * The Verify screen's state and commands over {@code dev.cutover.verify}: a full or sampled
 * verification (background work the status bar can cancel) with per-table progress from the
 * engine's {@link VerifyListener}, the differences it confirmed, "Repair all" through
 * {@link Repairer} in the current truth direction followed by a new verification, and the CSV
 * export through {@link DifferenceCsv}. Like the command line, a run is stored in
 * {@code cutover.verification} and (a run of every table, with Redis) in the verify summary hash.
 * The engine repairs whole tables only, so there is no "repair selected".
 */
public final class VerifyViewModel {
    /** Differences kept in memory for the list and the export; beyond that the command line's --csv has them all. */
    public static final int KEPT = 100_000;

    /** One table's line: state, rows compared (of the estimate) and differences by kind so far. */
    public record TableRow(String table, String state, long rowsCompared, long estimate, long missingInTarget,
                           long extraInTarget, long different) {
    }

    private final Session session;
    private final BackgroundTasks tasks;
    private final ObservableValue<Plan> plan;
    private final ObservableList<TableRow> tables = FXCollections.observableArrayList();
    private final ObservableList<Difference> differences = FXCollections.observableArrayList();
    private final ObjectProperty<Difference> selected = new SimpleObjectProperty<>();
    private final ObjectProperty<VerifyReport> report = new SimpleObjectProperty<>();
    private final IntegerProperty sample = new SimpleIntegerProperty(0);
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty verdict = new SimpleStringProperty("");
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    private Direction lastDirection = Direction.FORWARD;
    private boolean truncated;
    private volatile Task<?> task;

    public VerifyViewModel(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan) {
        this.session = session;
        this.tasks = tasks;
        this.plan = plan;
    }

    /** What is missing before a run can start, or null when it can. */
    public String missing() {
        if (plan.getValue() == null) {
            return "Open a plan first (Mappings).";
        }
        if (session.oldDb().get() == null || session.newDb().get() == null) {
            return "Connect the old and the new database first (Connections).";
        }
        return null;
    }

    /** Verifies every table of the plan: every row, or {@link #sample()} random keys per table when it is above 0. */
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
        Db oldDb = session.oldDb().get();
        Db newDb = session.newDb().get();
        String redisUrl = session.redisUrl().get();
        int n = Math.max(0, sample.get());
        running.set(true);
        error.set(null);
        tables.clear();
        differences.clear();
        selected.set(null);
        report.set(null);
        verdict.set("");
        truncated = false;
        String what = repair ? "Repair of " + p.name() : (n > 0 ? "Sampled verify of " : "Verify of ") + p.name();
        message.set(what + " running…");
        task = tasks.run(what, progress -> {
            Direction d = direction(redisUrl, p.name());
            BackgroundTasks.fx(() -> lastDirection = d);
            Repairer.Result repaired = null;
            if (repair) {
                repaired = new Repairer(p, oldDb, newDb, VerifyOptions.defaults(d), listener(progress, false)).repair();
                BackgroundTasks.fx(() -> {
                    tables.clear();
                    differences.clear();
                });
            }
            VerifyReport r = new Verifier(p, oldDb, newDb, VerifyOptions.defaults(d).withSample(n),
                    listener(progress, true)).verify();
            ResultStore.save(newDb, p.name(), r);
            if (redisUrl != null && r.complete()) {
                RedisSummary.write(redisUrl, p.name(), r);
            }
            return new Outcome(r, repaired);
        }, o -> finished(p, o), t -> {
            running.set(false);
            error.set(t);
            message.set((repair ? "Repair of " : "Verify of ") + p.name() + " failed: " + Problems.oneLine(t));
        });
        task.stateProperty().addListener((o, a, state) -> {
            if (state == Worker.State.CANCELLED) {
                running.set(false);
                message.set(what + " cancelled: nothing was decided or stored.");
            }
        });
    }

    private record Outcome(VerifyReport report, Repairer.Result repaired) {
    }

    private static Direction direction(String redisUrl, String migration) {
        if (redisUrl == null) {
            return Direction.FORWARD;
        }
        return RedisSummary.phase(redisUrl, migration).map(RedisSummary::direction).orElse(Direction.FORWARD);
    }

    /** Progress events arrive on the engine's threads; each is handed to the FX thread. Cancel stops the run at its next event. */
    private VerifyListener listener(BackgroundTasks.Progress progress, boolean collect) {
        return new VerifyListener() {
            @Override
            public void tableStarted(String table, long estimate) {
                check();
                BackgroundTasks.fx(() -> put(new TableRow(table, "running", 0, estimate, 0, 0, 0)));
            }

            @Override
            public void progress(String table, long rowsDone, long estimate, long diffs) {
                check();
                progress.update(rowsDone, Math.max(1, Math.max(rowsDone, estimate)), null);
                BackgroundTasks.fx(() -> {
                    TableRow old = row(table);
                    put(new TableRow(table, "running", rowsDone, estimate, old == null ? 0 : old.missingInTarget(),
                            old == null ? 0 : old.extraInTarget(), old == null ? 0 : old.different()));
                });
            }

            @Override
            public void difference(Difference d) {
                BackgroundTasks.fx(() -> {
                    TableRow old = row(d.table());
                    if (old != null) {
                        put(new TableRow(old.table(), old.state(), old.rowsCompared(), old.estimate(),
                                old.missingInTarget() + (d.kind() == Difference.Kind.MISSING_IN_TARGET ? 1 : 0),
                                old.extraInTarget() + (d.kind() == Difference.Kind.EXTRA_IN_TARGET ? 1 : 0),
                                old.different() + (d.kind() == Difference.Kind.DIFFERENT ? 1 : 0)));
                    }
                    if (collect) {
                        if (differences.size() < KEPT) {
                            differences.add(d);
                        } else {
                            truncated = true;
                        }
                    }
                });
            }

            @Override
            public void tableDone(TableReport r) {
                BackgroundTasks.fx(() -> {
                    TableRow old = row(r.table());
                    put(new TableRow(r.table(), "done", r.rowsCompared(), old == null ? 0 : old.estimate(),
                            r.missingInTarget(), r.extraInTarget(), r.different()));
                });
            }

            private void check() {
                if (progress.isCancelled()) {
                    throw new CancellationException("cancelled from the console");
                }
            }
        };
    }

    private TableRow row(String table) {
        return tables.stream().filter(t -> t.table().equals(table)).findFirst().orElse(null);
    }

    private void put(TableRow r) {
        for (int i = 0; i < tables.size(); i++) {
            if (tables.get(i).table().equals(r.table())) {
                tables.set(i, r);
                return;
            }
        }
        tables.add(r);
    }

    private void finished(Plan p, Outcome o) {
        running.set(false);
        VerifyReport r = o.report();
        List<TableRow> rows = new ArrayList<>();
        for (TableReport t : r.tables()) {
            TableRow old = row(t.table());
            rows.add(new TableRow(t.table(), r.sampled() ? "SAMPLE done" : "done", t.rowsCompared(),
                    old == null ? 0 : old.estimate(), t.missingInTarget(), t.extraInTarget(), t.different()));
        }
        tables.setAll(rows);
        report.set(r);
        String label = r.sampled() ? "SAMPLE " : "";
        String dir = r.direction() == Direction.FORWARD ? "forward (old is the truth)" : "reverse (new is the truth)";
        String repaired = o.repaired() == null ? "" : "Repaired " + String.format("%,d", o.repaired().upserted()) + " rows upserted, "
                + String.format("%,d", o.repaired().deleted()) + " deleted; verified again: ";
        if (r.identical()) {
            verdict.set(label + (r.sampled() ? "no difference in " + String.format("%,d", r.rowsCompared())
                    + " sampled rows (a sample is never a proof; run a full verify)" : "clean: " + String.format("%,d", r.rowsCompared())
                    + " rows identical"));
        } else {
            verdict.set(label + String.format("%,d", r.differences()) + " differences in " + String.format("%,d", r.rowsCompared())
                    + " rows compared");
        }
        message.set(repaired + label + (repaired.isEmpty() && label.isEmpty() ? "Verify of " : "verify of ") + p.name() + " " + dir + " finished in "
                + String.format("%.1f s", r.elapsedMillis() / 1000.0) + "."
                + (truncated ? " The list holds the first " + String.format("%,d", KEPT) + " differences; `cutover verify --csv` writes all." : ""));
    }

    /** Writes the listed differences to {@code file} with the verify package's CSV writer (a temp file moved into place). */
    public void exportCsv(Path file) {
        List<Difference> rows = List.copyOf(differences);
        tasks.run("Export CSV", progress -> {
            Path dir = file.toAbsolutePath().getParent();
            Path tmp = Files.createTempFile(dir, ".verify-", ".csv.tmp");
            try {
                try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                    DifferenceCsv csv = new DifferenceCsv(w);
                    rows.forEach(csv::write);
                    csv.flush();
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return rows.size();
        }, count -> message.set("Exported " + String.format("%,d", count) + " differences to " + file.getFileName() + "."), t -> {
            error.set(t);
            message.set("Export to " + file + " failed: " + Problems.oneLine(t));
        });
    }

    /** Cancels the running verification or repair (the engine stops at its next progress event). */
    public void cancel() {
        Task<?> t = task;
        if (t != null) {
            t.cancel(true); // FutureTask.cancel: safe from any thread, a no-op once finished
        }
    }

    public ObservableList<TableRow> tables() {
        return tables;
    }

    public ObservableList<Difference> differences() {
        return differences;
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

    public ObjectProperty<Throwable> error() {
        return error;
    }

    public Direction lastDirection() {
        return lastDirection;
    }

    public BooleanBinding canStart() {
        return Bindings.createBooleanBinding(() -> !running.get() && plan.getValue() != null
                && session.oldDb().get() != null && session.newDb().get() != null, running, plan, session.oldDb(), session.newDb());
    }

    public BooleanBinding canRepairOrExport() {
        return Bindings.createBooleanBinding(() -> !running.get() && !differences.isEmpty(), running, differences);
    }

    public void close() {
        cancel();
    }
}
