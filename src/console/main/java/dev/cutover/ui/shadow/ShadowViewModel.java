package dev.cutover.ui.shadow;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.MetricsReader;
import dev.cutover.control.MetricsSecond;
import dev.cutover.control.RedisLink;
import dev.cutover.plan.Plan;
import dev.cutover.route.MismatchSamples;
import dev.cutover.io.PrivateFiles;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;
import org.jfree.data.time.Second;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Shadow reads screen's state: every second (while shown) the last {@link #WINDOW_SECONDS}
 * seconds of the routers' metric buckets are read with {@link MetricsReader} off the FX thread and
 * turned into chart series (mismatch rate per query and in total, shadow error rate, old vs new
 * latency mean and p99, mirror-write failures and failed-write queue depth); every few seconds the
 * mismatch samples list. "Export CSV" writes the samples with {@link MismatchSamples#exportCsv}.
 */
public final class ShadowViewModel {
    public static final int WINDOW_SECONDS = 300;
    private static final int SAMPLES_EVERY = 5;

    /** One mismatch sample as listed: its fields, and the stored JSON for the detail view. */
    public record Sample(String at, String query, String mode, String served, String oldMs, String newMs, int oldRows,
                         int newRows, String oldRowsJson, String newRowsJson) {
    }

    /** What one poll read: the buckets and (every few polls) the samples, null when not read this time. */
    record Poll(long nowSecond, List<MetricsSecond> seconds, List<String> samples, String phase) {
    }

    private final Session session;
    private final BackgroundTasks tasks;
    private final ObservableValue<Plan> plan;
    private final TimeSeriesCollection mismatchRate = new TimeSeriesCollection();
    private final TimeSeriesCollection errorRate = new TimeSeriesCollection();
    private final TimeSeriesCollection latency = new TimeSeriesCollection();
    private final TimeSeriesCollection mirror = new TimeSeriesCollection();
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    private final StringProperty totals = new SimpleStringProperty("");
    private final javafx.beans.property.LongProperty windowEnd = new javafx.beans.property.SimpleLongProperty();
    private final StringProperty message = new SimpleStringProperty("");
    private final StringProperty exportStatus = new SimpleStringProperty("");
    private final javafx.beans.property.BooleanProperty exportFailed = new javafx.beans.property.SimpleBooleanProperty();
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    private final Timeline timer;
    private RedisLink link;
    private String linkUrl;
    private boolean polling;
    private int polls;

    public ShadowViewModel(Session session, BackgroundTasks tasks, ObservableValue<Plan> plan) {
        this.session = session;
        this.tasks = tasks;
        this.plan = plan;
        timer = new Timeline(new KeyFrame(Duration.seconds(1), e -> poll()));
        timer.setCycleCount(Timeline.INDEFINITE);
    }

    public void start() {
        timer.play();
        polls = 0;
        poll();
    }

    public void stop() {
        timer.stop();
    }

    /** One read of the metrics (and every few seconds the samples) now; skipped while one runs. */
    public void poll() {
        Plan p = plan.getValue();
        String url = session.redisUrl().get();
        if (p == null || url == null) {
            message.set(p == null ? "Open a plan first (Mappings): its name names the metrics in Redis."
                    : "Connect Redis first (Connections): the routers write their metrics there.");
            return;
        }
        if (polling) {
            return;
        }
        polling = true;
        boolean withSamples = polls++ % SAMPLES_EVERY == 0;
        ControlKeys keys = new ControlKeys(p.name());
        long now = System.currentTimeMillis() / 1000;
        tasks.run(null, progress -> {
            RedisLink l = link(url);
            List<MetricsSecond> s = new MetricsReader(l, keys).range(now - WINDOW_SECONDS, now);
            List<String> smp = withSamples ? MismatchSamples.read(l.sync(), keys) : null;
            return new Poll(now, s, smp, l.sync().get(keys.phase()));
        }, r -> {
            polling = false;
            error.set(null);
            show(r);
        }, t -> {
            polling = false;
            error.set(t);
            message.set("Cannot read the metrics: " + Problems.oneLine(t));
        });
    }

    /** Reloads the samples list now (the button beside the list). */
    public void refreshSamples() {
        polls = 0;
        poll();
    }

    /** The plan's name (names the export file), "cutover" without a plan. */
    public String planName() {
        Plan p = plan.getValue();
        return p == null ? "cutover" : p.name();
    }

    /** Writes every stored sample to {@code file} as CSV (route's own writer), owner-only (0600), off the FX thread. */
    public void exportCsv(Path file) {
        Plan p = plan.getValue();
        String url = session.redisUrl().get();
        if (p == null || url == null) {
            exportFailed.set(true);
            exportStatus.set("Nothing to export: no plan or no Redis connection.");
            return;
        }
        ControlKeys keys = new ControlKeys(p.name());
        exportFailed.set(false);
        exportStatus.set("Exporting to " + file + " …");
        tasks.run("Export mismatch samples", progress -> {
            int[] n = new int[1];
            PrivateFiles.writeAtomically(file, w -> n[0] = MismatchSamples.exportCsv(link(url).sync(), keys, w));
            return n[0];
        }, n -> {
            exportFailed.set(false);
            exportStatus.set("Exported " + n + " mismatch sample" + (n == 1 ? "" : "s") + " to " + file + " (owner-only, mode 0600)");
        }, t -> {
            exportFailed.set(true);
            exportStatus.set("Not exported: " + file + ": " + Problems.oneLine(t));
        });
    }

    private synchronized RedisLink link(String url) {
        if (link == null || !url.equals(linkUrl)) {
            if (link != null) {
                link.close();
            }
            link = RedisLink.open(url);
            linkUrl = url;
        }
        return link;
    }

    private void show(Poll r) {
        List<MetricsSecond> s = r.seconds();
        Set<String> queries = new TreeSet<>();
        s.forEach(b -> queries.addAll(b.queries()));
        List<TimeSeries> rate = new ArrayList<>();
        TimeSeries total = new TimeSeries("all queries");
        rate.add(total);
        for (String q : queries) {
            rate.add(new TimeSeries(q));
        }
        TimeSeries shadowErr = new TimeSeries("shadow errors (of shadow reads)");
        TimeSeries oldErr = new TimeSeries("old side read errors");
        TimeSeries newErr = new TimeSeries("new side read errors");
        TimeSeries oldMean = new TimeSeries("old mean");
        TimeSeries newMean = new TimeSeries("new mean");
        TimeSeries oldP99 = new TimeSeries("old p99");
        TimeSeries newP99 = new TimeSeries("new p99");
        TimeSeries failures = new TimeSeries("mirror-write failures/s");
        TimeSeries depth = new TimeSeries("failed-write queue depth");
        for (MetricsSecond b : s) {
            if (b.isEmpty()) {
                continue;
            }
            Second sec = new Second(new Date(b.epochSecond() * 1000));
            if (b.compared() > 0) {
                total.add(sec, 100 * b.mismatchRate());
                int i = 1;
                for (String q : queries) {
                    if (b.get(ControlKeys.Metric.comparedFor(q)) > 0) {
                        rate.get(i).add(sec, 100 * b.mismatchRate(q));
                    }
                    i++;
                }
            }
            long attempts = b.compared() + b.shadowErrors();
            if (attempts > 0) {
                shadowErr.add(sec, 100.0 * b.shadowErrors() / attempts);
            }
            if (b.reads(false) > 0) {
                oldErr.add(sec, 100 * b.errorRate(false));
                oldMean.add(sec, b.latencyMeanMs(false));
                addP99(oldP99, sec, b.latencyP99Ms(false));
            }
            if (b.reads(true) > 0) {
                newErr.add(sec, 100 * b.errorRate(true));
                newMean.add(sec, b.latencyMeanMs(true));
                addP99(newP99, sec, b.latencyP99Ms(true));
            }
            failures.add(sec, b.mirrorFailures());
            depth.add(sec, b.queueDepth());
        }
        replace(mismatchRate, rate);
        replace(errorRate, List.of(shadowErr, oldErr, newErr));
        replace(latency, List.of(oldMean, newMean, oldP99, newP99));
        replace(mirror, List.of(failures, depth));
        totals.set(Totals.describe(s));
        windowEnd.set(r.nowSecond() * 1000);
        if (r.samples() != null) {
            samples.setAll(r.samples().stream().map(ShadowViewModel::sample).filter(x -> x != null).toList());
        }
        boolean any = s.stream().anyMatch(b -> !b.isEmpty());
        message.set(any ? "" : quiet(plan.getValue().name(), r.phase()));
    }

    /**
     * Why the charts are empty, by the phase in Redis: before shadow_read the routers compare nothing
     * yet; from shadow_read on they should, so the line asks what a DBA checks next.
     */
    static String quiet(String migration, String phase) {
        String window = " in the last " + WINDOW_SECONDS / 60 + " minutes";
        if ("shadow_read".equals(phase) || "traffic_shift".equals(phase)) {
            return "No router has written metrics for " + migration + window + ", although the phase is " + phase
                    + ": is a router running for " + migration + " on this Redis, with a shadow sample rate above 0 (Traffic & phase)?";
        }
        return "No shadow reads" + window + ": the routers compare reads from shadow_read on (the phase is "
                + (phase == null ? "not set yet" : phase) + ").";
    }

    private static void addP99(TimeSeries s, Second sec, long p99) {
        if (p99 >= 0 && p99 != Long.MAX_VALUE) {
            s.add(sec, p99);
        }
    }

    /** Swaps a collection's series only when their names changed; otherwise copies the points in (no flicker). */
    private static void replace(TimeSeriesCollection c, List<TimeSeries> fresh) {
        boolean same = c.getSeriesCount() == fresh.size();
        for (int i = 0; same && i < fresh.size(); i++) {
            same = c.getSeries(i).getKey().equals(fresh.get(i).getKey());
        }
        if (!same) {
            c.removeAllSeries();
            fresh.forEach(c::addSeries);
            return;
        }
        for (int i = 0; i < fresh.size(); i++) {
            TimeSeries into = c.getSeries(i);
            into.setNotify(false);
            into.clear();
            TimeSeries from = fresh.get(i);
            for (int k = 0; k < from.getItemCount(); k++) {
                into.add(from.getDataItem(k), false);
            }
            into.setNotify(true);
        }
    }

    static Sample sample(String json) {
        return dev.cutover.route.MismatchSamples.parse(json, true)
                .map(o -> new Sample(Totals.time(o.atMillis()), o.query(), o.mode(), o.served(), o.oldMs(), o.newMs(),
                        o.oldRowCount(), o.newRowCount(), o.oldRows(), o.newRows()))
                .orElse(null);
    }

    public TimeSeriesCollection mismatchRate() {
        return mismatchRate;
    }

    public TimeSeriesCollection errorRate() {
        return errorRate;
    }

    public TimeSeriesCollection latency() {
        return latency;
    }

    public TimeSeriesCollection mirror() {
        return mirror;
    }

    public ObservableList<Sample> samples() {
        return samples;
    }

    /** The end of the charts' window (epoch ms of the last poll): they show the {@link #WINDOW_SECONDS} before it. */
    public javafx.beans.property.ReadOnlyLongProperty windowEnd() {
        return windowEnd;
    }

    /** The last minute in one line: compared, mismatches, rate, shadow errors, mirror failures, queue depth. */
    public StringProperty totals() {
        return totals;
    }

    public StringProperty message() {
        return message;
    }

    /**
     * The last export's outcome, kept apart from {@link #message()} (which every poll rewrites) so
     * the result stays on screen beside the button until the next export.
     */
    public StringProperty exportStatus() {
        return exportStatus;
    }

    /** Whether the last export failed (the view styles {@link #exportStatus()} as an error). */
    public javafx.beans.property.ReadOnlyBooleanProperty exportFailed() {
        return exportFailed;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    public void close() {
        timer.stop();
        RedisLink l;
        synchronized (this) {
            l = link;
            link = null;
        }
        if (l != null) {
            tasks.run(null, p -> {
                l.close();
                return null;
            }, null, null);
        }
    }
}
