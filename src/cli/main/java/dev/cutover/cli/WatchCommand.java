package dev.cutover.cli;

import dev.cutover.control.ControlFollower;
import dev.cutover.control.ControlState;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Watchdog;
import dev.cutover.control.WatchdogLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code cutover watch}: the headless watchdog. Runs until stopped (SIGTERM or Ctrl-C end it
 * cleanly), printing every state change and, loudly, every automatic ramp-down.
 */
@Command(name = "watch", description = "Headless watchdog: while reads are shifted, ramps read_percent down when the new side "
        + "regresses (error rate, shadow mismatch rate, p99 latency over a window). Runs until stopped.")
public final class WatchCommand implements Callable<Integer> {
    private static final WatchdogLimits D = WatchdogLimits.defaults();

    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Option(names = "--max-error-rate", paramLabel = "RATE", description = "new-side failed reads per read (default 0.01)")
    double maxErrorRate = D.maxErrorRate();
    @Option(names = "--max-mismatch-rate", paramLabel = "RATE", description = "shadow mismatches per comparison (default 0.001)")
    double maxMismatchRate = D.maxMismatchRate();
    @Option(names = "--max-p99-ms", paramLabel = "MS", description = "new-side p99 read latency (default 500)")
    long maxP99Ms = D.maxP99Ms();
    @Option(names = "--window", paramLabel = "TIME", converter = DurationConverter.class,
            description = "how long a limit must be exceeded (default 60s)")
    Duration window = D.window();
    @Option(names = "--min-samples", paramLabel = "N", description = "reads or comparisons a window needs (default 100)")
    long minSamples = D.minSamples();
    @Option(names = "--to-zero", description = "ramp straight to 0%% instead of one step down")
    boolean toZero;
    @Option(names = "--interval", paramLabel = "TIME", converter = DurationConverter.class, description = "how often to check (default 1s)")
    Duration interval = Duration.ofSeconds(1);
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        WatchdogLimits limits;
        try {
            limits = new WatchdogLimits(maxErrorRate, maxMismatchRate, maxP99Ms, window, minSamples, toZero);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            try {
                stopped.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cutover-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (ControlSession s = new ControlSession(connections, plan, GuardSettings.defaults());
             Watchdog dog = new Watchdog(s.plane, limits)) {
            say(out, "watching migration " + s.migration + " on " + s.link.safeUrl() + " (" + limits.describe() + ")");
            dog.onRampDown(r -> say(out, "RAMP-DOWN " + s.migration + ": read percent " + r.before().readPercent() + "% → "
                    + r.after().readPercent() + "% (version " + r.after().version() + "): " + r.reason()));
            try (ControlFollower follow = ControlFollower.start(s.store, new ControlFollower.Listener() {
                @Override
                public void changed(ControlState st) {
                    say(out, "state: phase " + st.phase().wireName() + ", read percent " + st.readPercent() + "%, version " + st.version());
                }

                @Override
                public void lost(String reason) {
                    say(out, "STATE LOST: " + reason);
                }

                @Override
                public void connection(boolean up) {
                    say(out, up ? "connected to Redis" : "lost the connection to Redis; reconnecting");
                }
            })) {
                dog.start(interval.toMillis());
                stop.await();
            }
            say(out, "stopped");
            return ExitCodes.OK;
        } catch (RuntimeException e) {
            // print before the shutdown hook lets the JVM halt
            spec.commandLine().getErr().println("cutover: " + Errors.describe(e));
            spec.commandLine().getErr().flush();
            return ExitCodes.ERROR;
        } finally {
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down: the hook is running
            }
        }
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(ControlText.time(System.currentTimeMillis()) + "  " + line);
            out.flush();
        }
    }
}
