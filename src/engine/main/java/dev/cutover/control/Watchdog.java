package dev.cutover.control;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Automatic ramp-down: while reads are shifted (traffic_shift, read_percent above 0), compares
 * the new side's error rate, shadow mismatch rate and p99 latency over the last window with the
 * limits, and when one is exceeded moves {@code read_percent} one step down (or to 0) with an
 * audited reason, as {@code watchdog@HOST}. The window only counts time spent at the current
 * state (since its last change), so after a ramp-down the next one waits a full window.
 * Runs in the console and in {@code cutover watch}.
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Watchdog.class);

    /** What the watchdog did: the state before and after, and why. */
    public record RampDown(ControlState before, ControlState after, String reason) {
    }

    private final ControlPlane plane;
    private final MetricsReader metrics;
    private final WatchdogLimits limits;
    private final LongSupplier clock;
    private final List<Consumer<RampDown>> listeners = new CopyOnWriteArrayList<>();
    private ScheduledExecutorService timer;

    public Watchdog(ControlPlane plane, WatchdogLimits limits) {
        this(plane, limits, System::currentTimeMillis);
    }

    public Watchdog(ControlPlane plane, WatchdogLimits limits, LongSupplier clockMillis) {
        this.plane = plane;
        this.metrics = new MetricsReader(plane.store().link(), plane.store().keys());
        this.limits = limits;
        this.clock = clockMillis;
    }

    public WatchdogLimits limits() {
        return limits;
    }

    /** Called after each ramp-down (on the watchdog's thread). */
    public void onRampDown(Consumer<RampDown> listener) {
        listeners.add(listener);
    }

    /** The limits exceeded now over the window, empty if none (or if reads are not shifted). */
    public List<String> breaches(ControlView view) {
        ControlState s = view.state();
        if (view.isLost() || s.phase() != Phase.TRAFFIC_SHIFT || s.readPercent() == 0) {
            return List.of();
        }
        long nowSec = clock.getAsLong() / 1000;
        long window = Math.max(1, limits.window().toSeconds());
        long from = nowSec - window;
        if (view.changedAt() > from * 1000) {
            return List.of();
        }
        MetricsSecond w = metrics.total(from, nowSec);
        List<String> out = new ArrayList<>();
        String over = " over the last " + Guards.human(limits.window());
        if (w.reads(true) >= limits.minSamples() && w.errorRate(true) > limits.maxErrorRate()) {
            out.add("new-side error rate " + Guards.percent(w.errorRate(true)) + " (" + w.errors(true) + " of " + w.reads(true)
                    + " reads) above " + Guards.percent(limits.maxErrorRate()) + over);
        }
        if (w.compared() >= limits.minSamples() && w.mismatchRate() > limits.maxMismatchRate()) {
            out.add("shadow mismatch rate " + Guards.percent(w.mismatchRate()) + " (" + w.mismatches() + " of " + w.compared()
                    + ") above " + Guards.percent(limits.maxMismatchRate()) + over);
        }
        long p99 = w.latencyP99Ms(true);
        if (w.reads(true) >= limits.minSamples() && p99 > limits.maxP99Ms()) {
            out.add("new-side p99 latency " + (p99 == Long.MAX_VALUE ? "over 5000" : "≤ " + p99) + " ms above "
                    + limits.maxP99Ms() + " ms" + over);
        }
        return out;
    }

    /** One evaluation: ramps down if a limit is exceeded. Returns what it did. */
    public Optional<RampDown> check() {
        for (int attempt = 0; attempt < 3; attempt++) {
            ControlView view = plane.store().view();
            List<String> breaches = breaches(view);
            if (breaches.isEmpty()) {
                return Optional.empty();
            }
            ControlState before = view.state();
            int target = limits.toZero() ? 0 : TrafficSteps.previous(before.readPercent());
            String reason = "automatic ramp-down " + before.readPercent() + "% → " + target + "%: " + String.join("; ", breaches);
            try {
                ControlState after = plane.rampDown(before, target, reason);
                RampDown r = new RampDown(before, after, reason);
                LOG.info("migration {}: {}", plane.store().migration(), reason);
                for (Consumer<RampDown> l : listeners) {
                    l.accept(r);
                }
                return Optional.of(r);
            } catch (ConflictException e) {
                LOG.info("state changed while ramping down; evaluating again");
            }
        }
        return Optional.empty();
    }

    /** Checks every {@code periodMillis} on a daemon thread until {@link #close()}. */
    public synchronized void start(long periodMillis) {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "cutover-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                check();
            } catch (RuntimeException e) {
                LOG.warn("watchdog check failed (will retry): {}", e.getMessage());
            }
        }, 0, periodMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdown();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
