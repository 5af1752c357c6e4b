package dev.cutover.control;

import dev.cutover.control.ControlKeys.Metric;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shadow-read and dual-write metrics of one second (or, from {@link #sum}, of a span of
 * seconds): the fields of the bucket hash, with the derived rates, means and percentiles the
 * console charts and the guards and watchdog check.
 *
 * @param epochSecond the second (for a sum: the first second of the span)
 * @param seconds     how many seconds this covers (1 for a bucket)
 * @param fields      the raw bucket fields (counters summed, gauges as maximum)
 */
public record MetricsSecond(long epochSecond, int seconds, Map<String, Long> fields) {
    private static final Set<String> GAUGES = Set.of(Metric.QUEUE_DEPTH, Metric.REPLAY_LAG_MS);

    public MetricsSecond {
        fields = Map.copyOf(fields);
    }

    public long get(String field) {
        return fields.getOrDefault(field, 0L);
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    public long compared() {
        return get(Metric.COMPARED);
    }

    public long mismatches() {
        return get(Metric.MISMATCHES);
    }

    /** Mismatches per comparison, 0 when nothing was compared. */
    public double mismatchRate() {
        return ratio(mismatches(), compared());
    }

    /** The queries that reported comparisons. */
    public Set<String> queries() {
        Set<String> q = new TreeSet<>();
        for (String f : fields.keySet()) {
            if (f.startsWith(Metric.COMPARED + ":")) {
                q.add(f.substring(Metric.COMPARED.length() + 1));
            }
        }
        return q;
    }

    public double mismatchRate(String query) {
        return ratio(get(Metric.mismatchesFor(query)), get(Metric.comparedFor(query)));
    }

    public long shadowErrors() {
        return get(Metric.SHADOW_ERRORS);
    }

    public long reads(boolean newSide) {
        return get(newSide ? Metric.READS_NEW : Metric.READS_OLD);
    }

    public long errors(boolean newSide) {
        return get(newSide ? Metric.ERRORS_NEW : Metric.ERRORS_OLD);
    }

    /** Failed reads per read on that side, 0 without reads. */
    public double errorRate(boolean newSide) {
        return ratio(errors(newSide), reads(newSide));
    }

    /** Mean read latency in milliseconds (latency sum over the histogram's count), NaN without samples. */
    public double latencyMeanMs(boolean newSide) {
        long n = 0;
        for (int bound : Metric.LATENCY_BOUNDS_MS) {
            n += get(Metric.latencyField(newSide, bound));
        }
        return n == 0 ? Double.NaN : get(newSide ? Metric.LATENCY_US_SUM_NEW : Metric.LATENCY_US_SUM_OLD) / 1000.0 / n;
    }

    /**
     * The 99th percentile read latency in milliseconds, as the upper bound of the histogram
     * bucket it falls in (an upper estimate); {@code Long.MAX_VALUE} above the last finite bound;
     * -1 without samples.
     */
    public long latencyP99Ms(boolean newSide) {
        return latencyPercentileMs(newSide, 0.99);
    }

    public long latencyPercentileMs(boolean newSide, double q) {
        long total = 0;
        int[] bounds = Metric.LATENCY_BOUNDS_MS;
        long[] counts = new long[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            counts[i] = get(Metric.latencyField(newSide, bounds[i]));
            total += counts[i];
        }
        if (total == 0) {
            return -1;
        }
        long rank = (long) Math.ceil(q * total);
        long cum = 0;
        for (int i = 0; i < bounds.length; i++) {
            cum += counts[i];
            if (cum >= rank) {
                return bounds[i] == Integer.MAX_VALUE ? Long.MAX_VALUE : bounds[i];
            }
        }
        return Long.MAX_VALUE;
    }

    public long mirrorWrites() {
        return get(Metric.MIRROR_WRITES);
    }

    public long mirrorFailures() {
        return get(Metric.MIRROR_FAILURES);
    }

    public long queueDepth() {
        return get(Metric.QUEUE_DEPTH);
    }

    public long replayLagMs() {
        return get(Metric.REPLAY_LAG_MS);
    }

    /** Adds up buckets: counters summed, gauges as their maximum. */
    public static MetricsSecond sum(long firstSecond, int seconds, Collection<MetricsSecond> buckets) {
        Map<String, Long> out = new HashMap<>();
        for (MetricsSecond b : buckets) {
            b.fields.forEach((f, v) -> out.merge(f, v, GAUGES.contains(f) ? Math::max : Long::sum));
        }
        return new MetricsSecond(firstSecond, seconds, out);
    }

    static boolean isGauge(String field) {
        return GAUGES.contains(field);
    }

    private static double ratio(long a, long b) {
        return b == 0 ? 0.0 : (double) a / b;
    }
}
