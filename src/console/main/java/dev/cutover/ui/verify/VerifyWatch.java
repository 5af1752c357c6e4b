package dev.cutover.ui.verify;

import dev.cutover.app.VerificationFreshness;
import dev.cutover.control.ControlKeys;
import dev.cutover.plan.Plan;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.ConsoleRedis;
import dev.cutover.ui.LeaseHolders;
import dev.cutover.ui.Session;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What the Verify screen reads of Redis while it is shown, off the FX thread: every second, the
 * workers holding chunk leases of a verify run ({@link LeaseHolders}; this console's while it runs,
 * and every {@code cutover worker --job verify}), and at most every 5 s whether the latest stored
 * verification still holds, as the phase guard judges it ({@link VerificationFreshness}), and whether
 * Verify is the next step of the phase (dual_write without a clean, fresh verification).
 */
final class VerifyWatch implements AutoCloseable {
    private final Session session;
    private final BackgroundTasks tasks;
    private final ObservableValue<Plan> plan;
    private final ConsoleRedis redis;
    private final Supplier<String> localWorker;
    private final LeaseHolders workerList = new LeaseHolders();
    private final StringProperty stale = new SimpleStringProperty("");
    /** In dual_write, the latest verification missing, not clean, too old or stale: Verify comes next. */
    private final BooleanProperty verifyNext = new SimpleBooleanProperty();
    /** Before dual_write without change capture: the new database does not follow the writes yet. */
    private final BooleanProperty notFollowed = new SimpleBooleanProperty();
    private final Timeline poller = new Timeline(new KeyFrame(Duration.seconds(1), e -> pollWorkers()));
    private boolean polling;
    /** Reads whether the stored verification still holds (one Redis connection per URL and plan), off the FX thread. */
    private VerificationFreshness freshness;
    private String freshnessOf;
    private long freshnessReadAt;
    private boolean freshnessReading;

    VerifyWatch(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan, ConsoleRedis redis, Supplier<String> localWorker) {
        this.session = session;
        this.tasks = tasks;
        this.plan = plan;
        this.redis = redis;
        this.localWorker = localWorker;
        poller.setCycleCount(Timeline.INDEFINITE);
    }

    void start() {
        poller.play();
        pollWorkers();
    }

    void stop() {
        poller.stop();
    }

    /**
     * Reads who holds chunk leases of a verify run in Redis. Every run's job is {@code verify:<run
     * id>} and only one runs at a time per migration, so these are the workers of the run going now
     * (whoever started it), and of a killed one until its leases expire.
     */
    void pollWorkers() {
        Plan p = plan.getValue();
        String url = session.redisUrl().get();
        if (polling || p == null || url == null) {
            if (url == null || p == null) {
                workerList.show(Map.of(), localWorker.get());
            }
            return;
        }
        polling = true;
        refreshStaleness(false);
        String pattern = new ControlKeys(p.name()).workLease("verify:*", "*");
        tasks.run(null, progress -> LeaseHolders.scan(redis.commands(url), pattern), holders -> {
            polling = false;
            workerList.show(holders, localWorker.get());
        }, t -> {
            polling = false;
            workerList.show(Map.of(), localWorker.get());
        });
    }

    /** Reads (at most every 5 s unless {@code now}) whether the latest verification stored in Redis still holds. */
    void refreshStaleness(boolean now) {
        Plan p = plan.getValue();
        String url = session.redisUrl().get();
        if (p == null || url == null) {
            stale.set("");
            verifyNext.set(false);
            notFollowed.set(false);
            return;
        }
        long t = System.currentTimeMillis();
        if (freshnessReading || (!now && t - freshnessReadAt < 5000)) {
            return;
        }
        freshnessReading = true;
        freshnessReadAt = t;
        String of = url + " " + p.name();
        tasks.run(null, progress -> {
            synchronized (this) {
                if (freshness == null || !of.equals(freshnessOf)) {
                    if (freshness != null) {
                        freshness.close();
                    }
                    freshness = new VerificationFreshness(url, p.name());
                    freshnessOf = of;
                }
                return freshness.latest();
            }
        }, latest -> {
            freshnessReading = false;
            stale.set(latest.stale());
            verifyNext.set(latest.verifyNext());
            notFollowed.set(latest.notFollowedYet());
        }, e -> {
            freshnessReading = false;
            stale.set("");
            verifyNext.set(false);
            notFollowed.set(false);
        });
    }

    /** Why the latest stored verification no longer holds, or empty. */
    StringProperty stale() {
        return stale;
    }

    /** In dual_write, whether the latest verification (missing, with differences, too old or stale) makes Verify the next step. */
    BooleanProperty verifyNext() {
        return verifyNext;
    }

    /** Before dual_write without change capture: writes are not followed yet. */
    BooleanProperty notFollowed() {
        return notFollowed;
    }

    ObservableList<LeaseHolders.Worker> workers() {
        return workerList.workers();
    }

    @Override
    public void close() {
        poller.stop();
        synchronized (this) {
            if (freshness != null) {
                freshness.close();
                freshness = null;
            }
        }
    }
}
