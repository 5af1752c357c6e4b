package dev.cutover.ui;

import dev.cutover.app.RunControls;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.WorkThrottle;
import dev.cutover.plan.Plan;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableValue;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The run controls a screen holds over a chunked run (the Backfill and the Verify screen alike): a
 * rows/s cap and pause as properties, acting on this console's engine through the app layer's
 * {@link RunControls} (and its stop), and — with Redis, while a run goes — through the run's
 * throttle hash {@code cutover:{M}:<kind>:throttle}, which every worker of the run follows. The
 * hash is written first and this console's engine follows after: the run applies the hash at
 * every tick, so a pause set here before the hash says so would be undone. Redis is written off
 * the FX thread; a failure is one line to {@code problem}.
 */
public final class RunThrottle {
    /** Where the run is: its migration, Redis URL (null without) and whether it runs now; read on the FX thread. */
    public interface Run {
        String migration();

        String redisUrl();

        boolean running();

        /** The run of a screen: the migration of {@code plan}, the session's Redis URL, and {@code running}. */
        static Run of(ObservableValue<Plan> plan, Session session, ObservableBooleanValue running) {
            return new Run() {
                @Override
                public String migration() {
                    return plan.getValue() == null ? null : plan.getValue().name();
                }

                @Override
                public String redisUrl() {
                    return session.redisUrl().get();
                }

                @Override
                public boolean running() {
                    return running.get();
                }
            };
        }
    }

    private final String kind;
    private final BackgroundTasks tasks;
    private final ConsoleRedis redis;
    private final Run run;
    private final Consumer<String> problem;
    private final RunControls controls = new RunControls();
    private final LongProperty cap = new SimpleLongProperty(0);
    private final BooleanProperty paused = new SimpleBooleanProperty();
    private int writes; // throttle hash writes not yet done (FX thread)
    private boolean following;

    /** @param kind the kind of job ("backfill", "verify"): names the throttle hash */
    public RunThrottle(String kind, BackgroundTasks tasks, ConsoleRedis redis, Run run, Consumer<String> problem) {
        this.kind = kind;
        this.tasks = tasks;
        this.redis = redis;
        this.run = run;
        this.problem = problem;
        cap.addListener((o, a, b) -> set(() -> controls.cap(b.longValue())));
        paused.addListener((o, a, b) -> {
            if (!following) {
                set(() -> controls.paused(b));
            }
        });
    }

    private void set(Runnable local) {
        if (run.running() && run.redisUrl() != null && run.migration() != null) {
            tell(local);
        } else {
            local.run();
        }
    }

    /** Writes the throttle hash (cap and pause as set here) off the FX thread, then runs {@code after} there too (also when Redis failed). */
    public void tell(Runnable after) {
        String url = run.redisUrl();
        String migration = run.migration();
        if (url == null || migration == null) {
            after.run();
            return;
        }
        Map<String, String> h = Map.of(WorkThrottle.MAX_ROWS_PER_SEC, Long.toString(cap.get()), WorkThrottle.PAUSED,
                Boolean.toString(paused.get()));
        String key = new ControlKeys(migration).workThrottle(kind);
        writes++;
        tasks.run(null, progress -> {
            try {
                redis.commands(url).hset(key, h);
            } finally {
                after.run();
            }
            return null;
        }, r -> writes--, t -> {
            writes--;
            problem.accept("Could not tell the other workers through Redis: " + Problems.oneLine(t));
        });
    }

    /**
     * The pause the run reports (set elsewhere: another console, the throttle hash), shown unless a
     * change made here is still being written.
     */
    public void follow(boolean runPaused) {
        if (writes == 0 && paused.get() != runPaused) {
            following = true;
            try {
                paused.set(runPaused);
                controls.paused(runPaused); // the engine is so already; the next one starts so too
            } finally {
                following = false;
            }
        }
    }

    /** The engine's controls: hand them to the run (a verify, a repair: the workflow; a backfill: its engine). */
    public RunControls controls() {
        return controls;
    }

    /** Rows/s cap, 0 = none: acts on the run at once. */
    public LongProperty cap() {
        return cap;
    }

    /** Pauses the run after the chunks in hand. */
    public BooleanProperty paused() {
        return paused;
    }
}
