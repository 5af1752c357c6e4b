package dev.cutover.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Drives a workload at a fixed rate (open loop: request n is due at start + n / rate whatever
 * the previous ones are doing, so a slow database shows as latency, not as a lower rate), on a
 * pool of worker threads. Latency is measured from the time a request was due, so time spent
 * waiting for a worker counts (no coordinated omission).
 *
 * <p>Figures: every second a {@link Second} (requests, errors, p50/p99) goes to the listener; the
 * run is also cut into labelled segments ({@link #segment}, e.g. one per migration phase) whose
 * p50/p99 are kept for the final report. A request that finds every worker busy and the backlog
 * full is shed: counted apart from errors, and reported.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

    /** One request of the workload; {@code seq} numbers requests from 0. An exception is an error. */
    @FunctionalInterface
    public interface Workload {
        void call(long seq) throws Exception;
    }

    /** The figures of one second. Latencies in microseconds. */
    public record Second(long epochSecond, String segment, long requests, long errors, long shed, long p50us, long p99us) {
        public String line() {
            return String.format("%-14s %6d req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d/s%s", segment, requests, p50us / 1000.0,
                    p99us / 1000.0, errors, shed == 0 ? "" : "  shed " + shed + "/s");
        }
    }

    /** The figures of one segment. */
    public record Segment(String label, long requests, long errors, long shed, long p50us, long p99us, long maxUs, double seconds) {
        public String line() {
            return String.format("%-14s %8d requests  %6.0f req/s  p50 %7.2f ms  p99 %7.2f ms  max %8.2f ms  errors %d%s", label,
                    requests, seconds == 0 ? 0 : requests / seconds, p50us / 1000.0, p99us / 1000.0, maxUs / 1000.0, errors,
                    shed == 0 ? "" : "  shed " + shed);
        }
    }

    private final double rate;
    private final Workload workload;
    private final ThreadPoolExecutor workers;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong shed = new AtomicLong();
    private final Map<String, AtomicLong> errorMessages = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final Map<String, Samples> segments = new LinkedHashMap<>();
    private Samples second = new Samples();
    private Samples segment;
    private String segmentLabel;
    private long segmentStart;
    private volatile Consumer<Second> listener = s -> { };
    private volatile boolean running;
    private Thread scheduler;
    private Thread reporter;

    public LoadGenerator(double ratePerSecond, int threads, Workload workload) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("the rate must be positive (got " + ratePerSecond + ")");
        }
        this.rate = ratePerSecond;
        this.workload = workload;
        this.workers = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(Math.max(1000, (int) ratePerSecond * 2)), r -> {
                    Thread t = new Thread(r, "load-worker");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        segment("start");
    }

    public void onSecond(Consumer<Second> l) {
        this.listener = l;
    }

    /** Starts sending; returns at once. */
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        scheduler = new Thread(this::schedule, "load-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
        reporter = new Thread(this::report, "load-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    /** Starts a new labelled segment of the figures (the previous one ends now). */
    public void segment(String label) {
        synchronized (lock) {
            closeSegment();
            segmentLabel = label;
            segment = new Samples();
            segmentStart = System.nanoTime();
        }
    }

    public String currentSegment() {
        synchronized (lock) {
            return segmentLabel;
        }
    }

    /** Every segment so far (the current one included), in order. */
    public List<Segment> segments() {
        synchronized (lock) {
            List<Segment> out = new ArrayList<>();
            segments.forEach((label, s) -> out.add(s.segment(label)));
            out.add(segment.withSeconds((System.nanoTime() - segmentStart) / 1e9).segment(segmentLabel));
            return out;
        }
    }

    public long requests() {
        return requests.get();
    }

    public long errors() {
        return errors.get();
    }

    public long shed() {
        return shed.get();
    }

    /** Distinct error messages with their counts (the first 50 kinds). */
    public Map<String, Long> errorMessages() {
        Map<String, Long> out = new LinkedHashMap<>();
        errorMessages.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Stops scheduling, drops the requests still waiting for a worker (never sent, not counted) and waits for those running. */
    @Override
    public void close() {
        running = false;
        for (Thread t : new Thread[] {scheduler, reporter}) {
            if (t != null) {
                t.interrupt();
                try {
                    t.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        workers.getQueue().clear();
        workers.shutdown();
        try {
            if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("load generator: requests still running after 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (lock) {
            segment.withSeconds((System.nanoTime() - segmentStart) / 1e9);
        }
    }

    private void schedule() {
        long start = System.nanoTime();
        double intervalNs = 1e9 / rate;
        long n = 0;
        while (running) {
            long due = start + (long) (n * intervalNs);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                if (wait > 200_000) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(Math.min(wait, 50_000_000));
                    } catch (InterruptedException e) {
                        return;
                    }
                    continue;
                }
                Thread.onSpinWait();
                continue;
            }
            long seq = n++;
            try {
                workers.execute(() -> run(seq, due));
            } catch (RejectedExecutionException e) {
                shed.incrementAndGet();
                record(-1, false, true);
            }
        }
    }

    private void run(long seq, long due) {
        boolean ok = true;
        try {
            workload.call(seq);
        } catch (Exception | Error e) {
            ok = false;
            String msg = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            if (errorMessages.size() < 50 || errorMessages.containsKey(msg)) {
                errorMessages.computeIfAbsent(msg, k -> new AtomicLong()).incrementAndGet();
            }
            LOG.debug("request {} failed: {}", seq, msg);
        }
        requests.incrementAndGet();
        if (!ok) {
            errors.incrementAndGet();
        }
        record((System.nanoTime() - due) / 1000, !ok, false);
    }

    private void record(long us, boolean error, boolean wasShed) {
        synchronized (lock) {
            second.add(us, error, wasShed);
            segment.add(us, error, wasShed);
        }
    }

    private void report() {
        long next = (System.currentTimeMillis() / 1000 + 1) * 1000;
        while (running) {
            try {
                Thread.sleep(Math.max(1, next - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                return;
            }
            Samples s;
            String label;
            synchronized (lock) {
                s = second;
                second = new Samples();
                label = segmentLabel;
            }
            try {
                listener.accept(s.second(next / 1000 - 1, label));
            } catch (RuntimeException e) {
                LOG.warn("load report listener failed: {}", e.toString());
            }
            next += 1000;
        }
    }

    private void closeSegment() {
        if (segment != null) {
            String label = segmentLabel;
            int i = 2;
            while (segments.containsKey(label)) {
                label = segmentLabel + "#" + i++;
            }
            segments.put(label, segment.withSeconds((System.nanoTime() - segmentStart) / 1e9));
        }
    }

    /** Latencies of a period (growable array, sorted on demand). */
    private static final class Samples {
        private long[] us = new long[1024];
        private int n;
        private long errors;
        private long shed;
        private double seconds;

        void add(long latencyUs, boolean error, boolean wasShed) {
            if (wasShed) {
                shed++;
                return;
            }
            if (n == us.length) {
                us = Arrays.copyOf(us, n * 2);
            }
            us[n++] = latencyUs;
            if (error) {
                errors++;
            }
        }

        Samples withSeconds(double s) {
            this.seconds = s;
            return this;
        }

        long percentile(double p) {
            if (n == 0) {
                return 0;
            }
            long[] sorted = Arrays.copyOf(us, n);
            Arrays.sort(sorted);
            int idx = (int) Math.ceil(p / 100.0 * n) - 1;
            return sorted[Math.max(0, Math.min(n - 1, idx))];
        }

        Second second(long epochSecond, String label) {
            return new Second(epochSecond, label, n, errors, shed, percentile(50), percentile(99));
        }

        Segment segment(String label) {
            return new Segment(label, n, errors, shed, percentile(50), percentile(99), percentile(100), seconds);
        }
    }
}
