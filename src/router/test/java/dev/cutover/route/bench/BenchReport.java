package dev.cutover.route.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Prints the router benchmark's three comparisons from JMH's JSON result file, with the goals. */
public final class BenchReport {
    private BenchReport() {
    }

    public static void main(String[] args) throws Exception {
        JsonNode results = new ObjectMapper().readTree(Path.of(args[0]).toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        String rate = null;
        for (JsonNode r : results) {
            String b = r.path("benchmark").asText();
            String cls = b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1, b.lastIndexOf('.'));
            // group benchmarks: each method's own result is a secondary metric under its name
            r.path("secondaryMetrics").properties().forEach(e -> byName.put(cls + "." + e.getKey(), e.getValue()));
            byName.put(b.substring(b.lastIndexOf('.', b.lastIndexOf('.') - 1) + 1), r.path("primaryMetric"));
            if (r.path("params").has("ratePerSec")) {
                rate = r.path("params").path("ratePerSec").asText();
            }
        }
        PrintStream out = System.out;
        out.println();
        out.println("== Cutover router vs baselines (run side by side, same machine) ==");
        JsonNode cut = byName.get("RoutingDecisionBench.cutover");
        JsonNode naive = byName.get("RoutingDecisionBench.naiveRedisGetPerQuery");
        if (cut != null && naive != null) {
            double c = cut.path("score").asDouble();
            double n = naive.path("score").asDouble();
            out.printf(Locale.ROOT, "routing decision:  cutover %.1f ns   naive GET-per-query %.1f ns   -> %.0fx cheaper  "
                    + "(goal < 1000 ns: %s)%n", c, n, n / c, c < 1000 ? "met" : "NOT met");
        }
        JsonNode rr = byName.get("ReadThroughputBench.routerOldOnly");
        JsonNode rd = byName.get("ReadThroughputBench.directJdbc");
        if (rr != null && rd != null) {
            double r = rr.path("score").asDouble();
            double d = rd.path("score").asDouble();
            out.printf(Locale.ROOT, "read throughput:   router %.0f ops/s   direct JDBC %.0f ops/s   -> ratio %.3f  "
                    + "(goal >= 0.95 in old_only: %s)%s%n", r, d, r / d, r / d >= 0.95 ? "met" : "NOT met", perIteration(rr, rd));
        }
        JsonNode wr = byName.get("WriteLatencyBench.routerDualWrite");
        JsonNode wd = byName.get("WriteLatencyBench.directJdbc");
        if (wr != null && wd != null) {
            double r = wr.path("scorePercentiles").path("99.0").asDouble();
            double d = wd.path("scorePercentiles").path("99.0").asDouble();
            double r50 = wr.path("scorePercentiles").path("50.0").asDouble();
            double d50 = wd.path("scorePercentiles").path("50.0").asDouble();
            out.printf(Locale.ROOT, "write latency p99: router dual_write %.0f us   direct write %.0f us   -> ratio %.3f  "
                    + "(goal <= 1.1: %s)   [p50 %.0f vs %.0f us]%s%n", r, d, r / d, r / d <= 1.1 ? "met" : "NOT met", r50, d50,
                    rate == null ? "" : rate.equals("0") ? "   closed loop" : "   at " + rate + " writes/s a side");
        }
    }

    /** The ratio of each measurement iteration (both methods ran in it side by side): median and range. */
    private static String perIteration(JsonNode a, JsonNode b) {
        JsonNode ra = a.path("rawData").path(0);
        JsonNode rb = b.path("rawData").path(0);
        int n = Math.min(ra.size(), rb.size());
        if (n == 0) {
            return "";
        }
        double[] ratios = new double[n];
        for (int i = 0; i < n; i++) {
            ratios[i] = ra.get(i).asDouble() / rb.get(i).asDouble();
        }
        java.util.Arrays.sort(ratios);
        double median = n % 2 == 1 ? ratios[n / 2] : (ratios[n / 2 - 1] + ratios[n / 2]) / 2;
        return String.format(Locale.ROOT, "   [per iteration: median %.3f, %.3f..%.3f over %d]", median, ratios[0], ratios[n - 1], n);
    }
}
