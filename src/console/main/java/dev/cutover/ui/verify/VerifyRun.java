package dev.cutover.ui.verify;

import dev.cutover.app.RunControls;
import dev.cutover.app.VerifyWorkflow;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.sql.Direction;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.verify.Difference;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import dev.cutover.verify.VerifyReport;
import dev.cutover.work.ProgressEvent;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One verify run of the Verify screen, from start to finish, through the app layer's
 * {@link VerifyWorkflow} on {@link BackgroundTasks}: "Verify" (every row, or a sample), "Repair all"
 * (re-sync every difference from the truth side, then verify again) and "Repair selected" (the
 * chosen differences by key, compared again). The engine's events come in on its threads and are
 * handed to the FX thread: per-table progress and counts into {@link VerifyTables}, the differences
 * (the first {@code kept}) into {@link #differences()}, the throttle's state into
 * {@link #throttleState()}. Cancel stops the engine at its next event and the task; the outcome, a
 * failure or the cancel goes to whoever started the run, on the FX thread, with the lists in place.
 */
final class VerifyRun {
    /** What a run is given, read on the FX thread when it starts; {@code only} empty: every table. */
    record Settings(Plan plan, Db oldDb, Db newDb, String redisUrl, int sample, int threads, List<String> only, String workerId,
                    boolean repair) {
    }

    /** A run that ended: the verification, what "Repair all" re-synced first (or null), the differences listed by every worker. */
    record Outcome(VerifyReport report, Repairer.Result repaired, List<Difference> listed) {
    }

    private final BackgroundTasks tasks;
    private final RunControls controls;
    private final VerifyTables tables;
    private final int kept;
    private final ObservableList<Difference> differences = FXCollections.observableArrayList();
    private final StringProperty throttleState = new SimpleStringProperty("");
    private volatile Task<?> task;

    /** @param controls the cap, pause and stop the engine follows (shared with the screen's run controls) */
    VerifyRun(BackgroundTasks tasks, RunControls controls, VerifyTables tables, int kept) {
        this.tasks = tasks;
        this.controls = controls;
        this.tables = tables;
        this.kept = kept;
    }

    /** Starts "Verify" or "Repair all" ({@code s.repair()}), titled {@code title} in the status bar; the lists start empty. */
    void start(String title, Settings s, Consumer<Outcome> done, Consumer<Throwable> failed, Runnable cancelled) {
        tables.clear();
        differences.clear();
        throttleState.set("");
        controls.reset();
        VerifyWorkflow workflow = new VerifyWorkflow(s.plan(), s.oldDb(), s.newDb(), s.redisUrl());
        task = tasks.run(title, progress -> {
            Direction d = workflow.direction().direction();
            BackgroundTasks.fx(() -> tables.direction(d));
            VerifyOptions base = VerifyOptions.defaults(d).withWorkers(s.threads()).withTables(s.only())
                    .withRedisUrl(s.redisUrl()).withWork(w -> w.withWorkerId(s.workerId()));
            Repairer.Result repaired = null;
            if (s.repair()) {
                repaired = workflow.repair(base, listener(progress, false), controls);
                BackgroundTasks.fx(() -> {
                    tables.clear();
                    differences.clear();
                });
            }
            VerifyWorkflow.Recorded rec = workflow.verifyAndRecord(base.withSample(s.sample()), listener(progress, true), controls, kept, null);
            return new Outcome(rec.report(), repaired, rec.listed()); // listed: of every worker process of the run
        }, o -> {
            throttleState.set("");
            tables.finished(o.report());
            differences.setAll(o.listed());
            done.accept(o);
        }, failed);
        task.stateProperty().addListener((o, a, state) -> {
            if (state == Worker.State.CANCELLED) {
                cancelled.run();
            }
        });
    }

    /**
     * Re-syncs only {@code picked} from the truth side of {@code d} and compares those keys again:
     * repaired rows leave the list and the counts, rows that still differ come back as they look now.
     */
    void repairSelected(String title, Plan plan, Db oldDb, Db newDb, String redisUrl, List<Difference> picked, Direction d,
                        Consumer<Repairer.Selected> done, Consumer<Throwable> failed) {
        VerifyWorkflow workflow = new VerifyWorkflow(plan, oldDb, newDb, redisUrl);
        task = tasks.run(title, progress -> workflow.repairSelected(picked, d), sel -> {
            differences.removeAll(picked);
            picked.forEach(x -> tables.recount(x, -1));
            for (Difference x : sel.stillDiffering()) {
                differences.add(x);
                tables.recount(x, 1);
            }
            done.accept(sel);
        }, failed);
    }

    /** Cancels the running verification or repair: the engine stops after the chunks in hand, nothing is decided. */
    void cancel() {
        controls.stop();
        Task<?> t = task;
        if (t != null) {
            t.cancel(true); // FutureTask.cancel: safe from any thread, a no-op once finished
        }
    }

    /** The differences of the run (the first {@code kept}; a finished run lists those of every worker). */
    ObservableList<Difference> differences() {
        return differences;
    }

    /** "paused", "backing off: …", or empty. */
    StringProperty throttleState() {
        return throttleState;
    }

    /** The throttle's state in a progress event as the screen says it. */
    static String throttleWords(ProgressEvent e) {
        return e.throttle() == null ? "" : e.throttle().paused() ? "paused"
                : e.throttle().backingOff() ? String.format(Locale.ROOT, "backing off: old database latency %.0f ms > %d ms",
                e.throttle().latencyMillis(), e.throttle().latencyLimitMillis()) : "";
    }

    /** Progress events arrive on the engine's threads; each is handed to the FX thread. Cancel stops the engine at its next event. */
    private VerifyListener listener(BackgroundTasks.Progress progress, boolean collect) {
        return new VerifyListener() {
            @Override
            public void onProgress(ProgressEvent e) {
                if (progress.isCancelled()) {
                    controls.stop();
                    return;
                }
                progress.update(e.total().rowsDone(), Math.max(1, Math.max(e.total().rowsDone(), e.total().rowsTotal())), null);
                String state = throttleWords(e);
                BackgroundTasks.fx(() -> {
                    throttleState.set(state);
                    tables.progress(e.tables());
                });
            }

            @Override
            public void difference(Difference d) {
                BackgroundTasks.fx(() -> {
                    tables.count(d, 1);
                    if (collect && differences.size() < kept) {
                        differences.add(d);
                    }
                });
            }
        };
    }
}
