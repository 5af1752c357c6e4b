package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.control.ControlKeys.Metric;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Shadow reads: equal, different, a difference that heals before the re-check, one side failing, A/A. */
@NeedsServers
class ShadowReadTest {
    private static RouterFixture f;
    private Router router;

    @BeforeAll
    static void fixture() throws Exception {
        f = new RouterFixture("shadow", TestRedis.sharedUrl());
    }

    @AfterAll
    static void dropFixture() throws Exception {
        f.close();
    }

    @BeforeEach
    void setUp() {
        f.oldDb.exec("TRUNCATE orders; INSERT INTO orders VALUES "
                + "(1, 7, 12.50, '{\"shipping_method\":\"ground\"}', '2024-01-01T10:00:00Z'), "
                + "(2, 7, 3.00, '{\"shipping_method\":\"air\"}', '2024-01-02T10:00:00Z')");
        f.newDb.exec("TRUNCATE orders; INSERT INTO orders VALUES "
                + "(1, 7, 1250, 'ground', '2024-01-01T10:00:00Z'), (2, 7, 300, 'air', '2024-01-02T10:00:00Z')");
        f.redis().del(f.keys.mismatchSamples());
    }

    @AfterEach
    void tearDown() {
        if (router != null) {
            router.close();
        }
    }

    private void shadowAll(Router r) throws InterruptedException {
        RouterFixture.awaitVersion(r, f.set(Phase.SHADOW_READ, 0, 1.0, "s").version());
    }

    @Test
    void equalResultsAreComparedWithoutMismatch() throws Exception {
        router = f.router();
        shadowAll(router);
        for (int i = 0; i < 10; i++) {
            assertThat(router.read(RouterFixture.LIST, 7L, 7L)).hasSize(2);
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.stats().shadowCompared()).isEqualTo(10);
        assertThat(router.stats().shadowMismatches()).isZero();
        assertThat(f.redis().llen(f.keys.mismatchSamples())).isZero();
    }

    @Test
    void aDifferenceIsConfirmedSampledCountedAndExported() throws Exception {
        f.newDb.exec("UPDATE orders SET total_cents = 1299 WHERE id = 1");
        router = f.router();
        shadowAll(router);
        List<Map<String, Object>> rows = router.read(RouterFixture.LIST, 7L, 7L);
        assertThat(rows.get(0).get("total_amount")).as("the caller gets the old side").isEqualTo(new java.math.BigDecimal("12.50"));
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.stats().shadowMismatches()).isEqualTo(1);
        assertThat(router.stats().shadowCompared()).isEqualTo(1);
        List<String> samples = f.redis().lrange(f.keys.mismatchSamples(), 0, -1);
        assertThat(samples).hasSize(1);
        JsonNode s = dev.cutover.io.Json.MAPPER.readTree(samples.get(0));
        assertThat(s.path("query").asText()).isEqualTo("list_orders");
        assertThat(s.path("params_hash").asText()).isEqualTo(MismatchSamples.paramsHash(new Object[] {7L})).hasSize(16);
        assertThat(s.path("old_rows").get(0).path("total_amount").asText()).isEqualTo("12.5");
        assertThat(s.path("new_rows").get(0).path("total_amount").asText()).isEqualTo("12.99");
        assertThat(s.path("old_ms").asDouble()).isPositive();
        StringWriter csv = new StringWriter();
        assertThat(MismatchSamples.exportCsv(f.redis(), f.keys, csv)).isEqualTo(1);
        String[] lines = csv.toString().split("\r\n");
        assertThat(lines[0]).isEqualTo(MismatchSamples.CSV_HEADER);
        assertThat(lines[1]).contains(",list_orders,").contains("\"[{\"\"id\"\":1");
        // the metrics bucket of that second has the counts (written by the tick)
        awaitMetric(Metric.MISMATCHES + ":list_orders", 1);
        awaitMetric(Metric.COMPARED, 1);
    }

    @Test
    void aDifferenceThatHealsBeforeTheRecheckIsNotAMismatch() throws Exception {
        f.newDb.exec("UPDATE orders SET total_cents = 1299 WHERE id = 1");
        // the re-check runs 5 s after the difference is seen: the heal below lands well inside that
        router = f.track(f.builder().recheckDelay(Duration.ofSeconds(5)).build());
        shadowAll(router);
        router.read(RouterFixture.LIST, 7L, 7L);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> router.stats().shadowRechecks() == 1);
        f.newDb.exec("UPDATE orders SET total_cents = 1250 WHERE id = 1"); // the mirror write arrived late
        assertThat(router.awaitQuiet(Duration.ofSeconds(20))).isTrue();
        assertThat(router.stats().shadowMismatches()).isZero();
        assertThat(router.stats().shadowRecheckCleared()).isEqualTo(1);
        assertThat(router.stats().shadowCompared()).isEqualTo(1);
    }

    @Test
    void aFailingShadowSideNeverReachesTheCaller() throws Exception {
        f.newDb.exec("ALTER TABLE orders RENAME COLUMN shipping_method TO ship");
        try {
            router = f.router();
            shadowAll(router);
            for (int i = 0; i < 5; i++) {
                assertThat(router.read(RouterFixture.LIST, 7L, 7L)).hasSize(2);
            }
            assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
            assertThat(router.stats().shadowErrors()).isEqualTo(5);
            assertThat(router.stats().shadowMismatches()).isZero();
            awaitMetric(Metric.SHADOW_ERRORS, 5);
        } finally {
            f.newDb.exec("ALTER TABLE orders RENAME COLUMN ship TO shipping_method");
        }
    }

    @Test
    void shadowOfAReadServedFromNewRunsOnOld() throws Exception {
        f.oldDb.exec("UPDATE orders SET total_amount = 99 WHERE id = 2");
        router = f.router();
        RouterFixture.awaitVersion(router, f.set(Phase.TRAFFIC_SHIFT, 100, 1.0, "s").version());
        List<Map<String, Object>> rows = router.read(RouterFixture.LIST, 7L, 7L);
        assertThat(rows.get(1).get("total_amount").toString()).as("served from new").startsWith("3.00");
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.stats().shadowMismatches()).isEqualTo(1);
        JsonNode s = dev.cutover.io.Json.MAPPER.readTree(f.redis().lindex(f.keys.mismatchSamples(), 0));
        assertThat(s.path("served").asText()).isEqualTo("new");
        assertThat(s.path("old_rows").get(1).path("total_amount").asText()).isEqualTo("99");
    }

    @Test
    void orderInsensitiveQueriesIgnoreRowOrder() throws Exception {
        ReadOp<Map<String, Object>> unordered = ReadOp.named("unordered")
                .oldSql("SELECT id FROM orders WHERE tenant_id = ? ORDER BY id")
                .newSql("SELECT id FROM orders WHERE tenant_id = ? ORDER BY id DESC");
        router = f.router();
        shadowAll(router);
        router.read(unordered, 7L, 7L);
        router.read(unordered.orderInsensitive(), 7L, 7L);
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.stats().shadowCompared()).isEqualTo(2);
        assertThat(router.stats().shadowMismatches()).as("only the order-sensitive one").isEqualTo(1);
    }

    @Test
    void aaModeComparesOldWithItselfEvenWhileNewDiffers() throws Exception {
        f.newDb.exec("UPDATE orders SET total_cents = 1 WHERE id = 1");
        router = f.track(f.builder().aaMode(true).build());
        RouterFixture.awaitVersion(router, f.set(Phase.BACKFILL, 0, 1.0, "s").version());
        for (int i = 0; i < 10; i++) {
            router.read(RouterFixture.LIST, 7L, 7L);
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(router.stats().shadowCompared()).isEqualTo(10);
        assertThat(router.stats().shadowMismatches()).isZero();
    }

    @Test
    void sampleRateSelectsAShare() throws Exception {
        router = f.router();
        RouterFixture.awaitVersion(router, f.set(Phase.SHADOW_READ, 0, 0.2, "s").version());
        for (int i = 0; i < 200; i++) {
            router.read(RouterFixture.LIST, 7L, 7L);
        }
        assertThat(router.awaitQuiet(Duration.ofSeconds(10))).isTrue();
        assertThat(router.stats().shadowCompared()).isBetween(15L, 70L);
    }

    private void awaitMetric(String field, long atLeast) {
        org.awaitility.Awaitility.await("metric " + field + " of the last 10 s").atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50)).until(() -> {
                    long total = 0;
                    long now = System.currentTimeMillis() / 1000;
                    for (long s = now - 10; s <= now; s++) {
                        String v = f.redis().hget(f.keys.metricsBucket(s), field);
                        total += v == null ? 0 : Long.parseLong(v);
                    }
                    return total;
                }, total -> total >= atLeast);
    }
}
