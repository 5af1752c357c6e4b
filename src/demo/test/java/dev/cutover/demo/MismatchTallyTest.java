package dev.cutover.demo;

import dev.cutover.route.MismatchSamples;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the proof prints when it overrides the shadow-read guard: the window's mismatch samples, counted by query. */
class MismatchTallyTest {
    private static String sample(long at, String query, boolean servedNew) {
        return MismatchSamples.sampleJson(at, query, "h", false, servedNew, 1.0, 1.0,
                List.of(Map.of("id", 1)), List.of(Map.of("id", 2)));
    }

    @Test
    void countsTheWindowsSamplesByQueryAndServingSide() {
        List<String> samples = List.of(sample(1_000, "order_detail", false), sample(5_000, "order_detail", false),
                sample(6_000, "list_tenant_orders", true), sample(7_000, "order_detail", true), "not json {");
        assertThat(EndToEnd.mismatchesByQuery(samples, 2_000)).containsExactly(
                Map.entry("list_tenant_orders (served by new)", 1),
                Map.entry("order_detail (served by new)", 1),
                Map.entry("order_detail (served by old)", 1));
    }
}
