package dev.cutover.ui.backfill;

import dev.cutover.app.RunControls;
import dev.cutover.backfill.BackfillEngine;
import dev.cutover.backfill.BackfillOptions;
import dev.cutover.backfill.BackfillReport;
import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.LeaseHolders;
import dev.cutover.ui.Problems;
import dev.cutover.ui.RunThrottle;
import dev.cutover.ui.ConsoleRedis;
import dev.cutover.ui.Session;
import dev.cutover.work.ProgressEvent;
import dev.cutover.work.TableProgress;
import io.lettuce.core.api.sync.RedisCommands;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.util.Duration;
import org.jfree.data.time.FixedMillisecond;
import org.jfree.data.time.TimeSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The Backfill screen's state and commands over {@link BackfillEngine}: start (as background work
 * the status bar can cancel), pause / resume / stop, a rows/s cap that acts while running, per-table
 * progress from the engine's progress events, a throughput series, the workers holding chunk
 * leases in Redis (this console and other machines' {@code cutover worker}), and errors with their
 * key ranges. With Redis, pause and the cap go through the run's throttle hash so every worker of
 * the run follows; without it they act on this console's engine only.
 */
public final class BackfillViewModel {
    /** One error of the run: table, key range (or key), and the error line. */
    public record RunError(String table, String range, String error) {
    }

    public static final int CHART_SECONDS = 300;
    static final String CHART_EMPTY = "Rows per second of this console's run, once started";

    private final Session session;
    private final BackgroundTasks tasks;
    private final ObservableValue<Plan> plan;
    private final ConsoleRedis redis = new ConsoleRedis();
    private final ObservableList<TableProgress> tables = FXCollections.observableArrayList();
    private final LeaseHolders workers = new LeaseHolders();
    private final ObservableList<RunError> errors = FXCollections.observableArrayList();
    private final TimeSeries throughput = new TimeSeries("rows/s (this console)");
    private final BooleanProperty running = new SimpleBooleanProperty();
    private final IntegerProperty workerCount = new SimpleIntegerProperty(2);
    private final BooleanProperty restart = new SimpleBooleanProperty();
    private final ObjectProperty<TableProgress> total = new SimpleObjectProperty<>();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty summary = new SimpleStringProperty("");
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    /** What the throughput chart says while it has no point to draw. */
    private final StringProperty chartNote = new SimpleStringProperty(CHART_EMPTY);
    /** When this console's run started (System.nanoTime), for a run that ends before its first sample. */
    private long startedAt;
    private final Timeline poller;
    /** Cap, pause and stop of this console's engine and, with Redis, of every worker of the run (shared with Verify). */
    private final RunThrottle throttle;
    /** This console's worker id while it runs, or null. */
    private volatile String workerId;
    private Task<BackfillReport> task;
    private boolean polling;
    /** The run summary hash last read from Redis, or null. */
    private Map<String, String> lastSummary;

    public BackfillViewModel(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan) {
        this.session = session;
        this.tasks = tasks;
        this.plan = plan;
        throughput.setMaximumItemAge(CHART_SECONDS * 1000L);
        throttle = new RunThrottle("backfill", tasks, redis, RunThrottle.Run.of(plan, session, running), message::set);
        throttle.paused().addListener((o, a, b) -> {
            if (running.get()) {
                message.set(b ? "Paused: workers stop after the chunk in hand." : "Resumed.");
            }
        });
        plan.addListener((o, a, b) -> {
            if (!running.get()) {
                tables.setAll(waiting(b));
            }
        });
        tables.setAll(waiting(plan.getValue()));
        message.addListener((o, a, b) -> describeSummary()); // said once, also when the run ends between two polls
        error.addListener((o, a, b) -> describeSummary());
        poller = new Timeline(new KeyFrame(Duration.seconds(1), e -> pollRedis()));
        poller.setCycleCount(Timeline.INDEFINITE);
    }

    /** Starts polling Redis for workers and the run summary (while the screen is shown). */
    public void startPolling() {
        poller.play();
        pollRedis();
    }

    public void stopPolling() {
        poller.stop();
    }

    /** What is missing before a run can start, or null when it can. */
    public String missing() {
        return session.missingForARun(plan.getValue());
    }

    /** Starts a run of every table of the plan (resuming a previous run's progress unless restart is set). */
    public void start() {
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
        BackfillOptions options = new BackfillOptions().workers(workerCount.get()).maxRowsPerSec(throttle.cap().get())
                .restart(restart.get()).redisUrl(redisUrl);
        BackfillEngine e = new BackfillEngine(oldDb, newDb, p, options);
        RunControls controls = throttle.controls();
        controls.reset();
        controls.running(e.throttle(), e::stop); // paused before the start: it starts paused
        workerId = e.workerId();
        error.set(null);
        errors.clear();
        total.set(null); // the last run's figures are not this one's
        throughput.clear();
        chartNote.set(CHART_EMPTY);
        startedAt = System.nanoTime();
        running.set(true);
        message.set("Backfill of " + p.name() + " running as worker " + e.workerId());
        // the run's throttle hash: what this console sets is what every worker of the run follows
        throttle.tell(() -> { });
        task = tasks.run("Backfill " + p.name(), progress -> e.run(ev -> {
            if (progress.isCancelled()) {
                controls.stop();
            }
            progress.update(ev.total().rowsDone(), Math.max(1, ev.total().rowsTotal()), null);
            BackgroundTasks.fx(() -> apply(ev));
        }), report -> finished(p, report), t -> {
            ended();
            error.set(t);
            message.set("Backfill failed:"); // the error itself once, on the error line below (with its details)
        });
        task.stateProperty().addListener((o, a, state) -> {
            if (state != javafx.concurrent.Worker.State.CANCELLED) {
                return;
            }
            controls.stop();
            ended();
            message.set("Backfill cancelled; the chunks done are kept, Start resumes.");
        });
    }

    /** Pauses every worker after its current chunk. */
    public void pause() {
        throttle.paused().set(true);
    }

    public void resume() {
        throttle.paused().set(false);
    }

    /** Stops after the chunks in hand; progress is kept and Start resumes. */
    public void stop() {
        if (throttle.controls().engineRunning()) {
            throttle.controls().stop();
            message.set("Stopping after the chunks in hand…");
        }
    }

    private void ended() {
        if (throughput.isEmpty()) {
            // a run shorter than the first sample: the chart says so instead of staying empty
            chartNote.set(String.format(java.util.Locale.ROOT, "Run finished in %.1f s: no throughput samples",
                    (System.nanoTime() - startedAt) / 1e9));
        }
        running.set(false);
        workerId = null;
        throttle.controls().running(null, null);
    }

    private void apply(ProgressEvent ev) {
        if (ev.throttle() != null && running.get()) {
            throttle.follow(ev.throttle().paused()); // paused or resumed elsewhere (another console, the throttle hash)
        }
        tables.setAll(ev.tables());
        total.set(ev.total());
        describeSummary(); // the run's line with the tables' figures, at once
        if (!ev.finished()) {
            throughput.addOrUpdate(new FixedMillisecond(ev.at().toEpochMilli()), ev.total().rowsPerSec());
        }
        for (TableProgress t : ev.tables()) {
            if (t.error() != null && errors.stream().noneMatch(r -> r.table().equals(t.table()) && r.error().equals(t.error()))) {
                errors.add(new RunError(t.table(), "", t.error()));
            }
        }
    }

    private void finished(Plan p, BackfillReport r) {
        ended();
        List<RunError> out = new ArrayList<>();
        r.failedChunks().forEach(f -> out.add(new RunError(f.table(), f.range().toString(),
                f.error() + " (after " + f.attempts() + " attempts)")));
        r.skipped().forEach(s -> out.add(new RunError(s.table(), "key " + s.key(), "skipped: " + s.error())));
        for (TableProgress t : r.tables()) {
            if (t.error() != null && out.stream().noneMatch(e -> e.table().equals(t.table()) && e.error().startsWith(t.error()))) {
                out.add(new RunError(t.table(), "", t.error()));
            }
        }
        errors.setAll(out);
        if (!r.tables().isEmpty()) {
            tables.setAll(r.tables());
        }
        if (r.complete()) {
            message.set("Backfill of " + p.name() + " complete: " + String.format("%,d", r.rowsDone()) + " rows copied.");
        } else if (r.stopped()) {
            message.set("Stopped at " + String.format("%,d", r.rowsDone()) + " rows; Start resumes where it stopped.");
        } else {
            message.set("Backfill of " + p.name() + " ended with errors: " + (r.errors().isEmpty() ? "see the list below"
                    : r.errors().get(0)));
        }
    }

    /** Reads the run summary and the chunk leases from Redis (off the FX thread). */
    public void pollRedis() {
        Plan p = plan.getValue();
        String url = session.redisUrl().get();
        if (polling || p == null || url == null) {
            return;
        }
        polling = true;
        ControlKeys keys = new ControlKeys(p.name());
        String local = workerId;
        tasks.run(null, progress -> {
            RedisCommands<String, String> r = redis.commands(url);
            Map<String, String> sum = r.hgetall(keys.backfill());
            Map<String, Integer> holders = LeaseHolders.scan(r, keys.workLease("backfill", "*"));
            return new Object[] {sum, holders};
        }, res -> {
            polling = false;
            @SuppressWarnings("unchecked") Map<String, String> sum = (Map<String, String>) res[0];
            @SuppressWarnings("unchecked") Map<String, Integer> holders = (Map<String, Integer>) res[1];
            workers.show(holders, local);
            lastSummary = sum;
            describeSummary();
        }, t -> {
            polling = false;
            summary.set("Redis: " + Problems.oneLine(t));
        });
    }

    /** The run summary last read from Redis in words; its error once: left out when the message or the error line already says it. */
    private void describeSummary() {
        if (lastSummary == null) {
            return;
        }
        Throwable shownError = error.get();
        // while this console runs, the rows of its last progress (newer than the hash, and the tables' own figures)
        summary.set(RunSummary.describe(lastSummary, message.get() + "\n" + (shownError == null ? "" : Problems.oneLine(shownError)),
                running.get() ? total.get() : null));
    }

    private static List<TableProgress> waiting(Plan p) {
        if (p == null) {
            return List.of();
        }
        return p.tables().stream().map(t -> new TableProgress(t.target().toString(), dev.cutover.work.TableState.WAITING, 0, 0, 0, null, null)).toList();
    }

    public ObservableList<TableProgress> tables() {
        return tables;
    }

    /** The workers holding chunk leases of the run in Redis now, this console first while it runs. */
    public ObservableList<LeaseHolders.Worker> workers() {
        return workers.workers();
    }

    public ObservableList<RunError> errors() {
        return errors;
    }

    public TimeSeries throughput() {
        return throughput;
    }

    public BooleanProperty running() {
        return running;
    }

    public BooleanProperty paused() {
        return throttle.paused();
    }

    /** Rows/s cap, 0 = none. Changing it acts on the running backfill at once. */
    public LongProperty cap() {
        return throttle.cap();
    }

    /** Worker threads of this console's run (1–64). */
    public IntegerProperty workerThreads() {
        return workerCount;
    }

    /** Forget previous progress and copy from the start (only when no other worker is running). */
    public BooleanProperty restart() {
        return restart;
    }

    public ObjectProperty<TableProgress> total() {
        return total;
    }

    public StringProperty message() {
        return message;
    }

    /** The run summary other workers publish in Redis, one line. */
    public StringProperty summary() {
        return summary;
    }

    /** What the throughput chart says while it has no point: before a run, or after one shorter than its first sample. */
    public StringProperty chartNote() {
        return chartNote;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    public BooleanBinding canStart() {
        return Bindings.createBooleanBinding(() -> !running.get() && plan.getValue() != null
                && session.oldDb().get() != null && session.newDb().get() != null, running, plan, session.oldDb(), session.newDb());
    }

    public void close() {
        poller.stop();
        stop();
        redis.close();
    }
}
