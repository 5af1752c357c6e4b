package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlState;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each write target sends writes where docs/contracts.md and the README phase table say; each read split serves from the right side. */
@NeedsServers
class RouterTargetsTest {
    private static RouterFixture f;
    private Router router;

    @BeforeAll
    static void fixture() throws Exception {
        f = new RouterFixture("targets", TestRedis.sharedUrl());
    }

    @AfterAll
    static void dropFixture() throws Exception {
        f.close();
    }

    @BeforeEach
    void setUp() {
        f.oldDb.exec("TRUNCATE orders");
        f.newDb.exec("TRUNCATE orders");
        router = f.router();
    }

    @AfterEach
    void tearDown() {
        router.close();
    }

    private void phase(Phase p) throws InterruptedException {
        RouterFixture.awaitVersion(router, f.set(p).version());
    }

    @Test
    void oldOnlyWritesOnlyTheOldDatabase() throws Exception {
        phase(Phase.BACKFILL);
        Router.WriteResult w = router.write(RouterFixture.PLACE, 7L, 1L, 7L, new BigDecimal("12.50"), "ground");
        router.awaitQuiet(Duration.ofSeconds(5));
        assertThat(w.affected()).isEqualTo(1);
        assertThat(w.returned()).containsExactly(Map.of("id", 1L));
        assertThat(f.count(f.oldDb)).isEqualTo(1);
        assertThat(f.count(f.newDb)).isZero();
    }

    @Test
    void dualWriteCommitsOldAndMirrorsToNew() throws Exception {
        phase(Phase.DUAL_WRITE);
        router.write(RouterFixture.PLACE, 7L, 1L, 7L, new BigDecimal("12.50"), "ground");
        router.write(RouterFixture.PLACE, 7L, 2L, 7L, new BigDecimal("3.10"), "air");
        router.write(RouterFixture.PLACE, 7L, 1L, 7L, new BigDecimal("13.00"), "ground");
        router.write(RouterFixture.CANCEL, 7L, 2L);
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(1);
        assertThat(f.converged()).isTrue();
        assertThat(f.newRows().get(0)).containsEntry("total_cents", 1300L);
        assertThat(router.stats().mirrored()).isEqualTo(4);
        assertThat(router.stats().mirrorFailures()).isZero();
        assertThat(f.queueDepth()).isZero();
    }

    @Test
    void newPrimaryWritesNewFirstAndKeepsOldInSyncForRollback() throws Exception {
        phase(Phase.NEW_PRIMARY);
        router.write(RouterFixture.PLACE, 7L, 5L, 7L, new BigDecimal("1.99"), "air");
        assertThat(router.awaitQuiet(Duration.ofSeconds(5))).isTrue();
        assertThat(f.count(f.newDb)).isEqualTo(1);
        assertThat(f.count(f.oldDb)).isEqualTo(1);
        assertThat(f.converged()).isTrue();
    }

    @Test
    void newOnlyWritesOnlyTheNewDatabase() throws Exception {
        phase(Phase.CLEANUP);
        router.write(RouterFixture.PLACE, 7L, 5L, 7L, new BigDecimal("1.99"), "air");
        router.awaitQuiet(Duration.ofSeconds(5));
        assertThat(f.count(f.newDb)).isEqualTo(1);
        assertThat(f.count(f.oldDb)).isZero();
    }

    @Test
    void readsFollowTheWriteTargetAndTheSplit() throws Exception {
        f.oldDb.exec("INSERT INTO orders VALUES (1, 7, 12.50, '{\"shipping_method\":\"old-side\"}', '2024-01-01Z')");
        f.newDb.exec("INSERT INTO orders VALUES (1, 7, 1250, 'new-side', '2024-01-01Z')");
        phase(Phase.SHADOW_READ);
        assertThat(side(7L)).isEqualTo("old-side");
        phase(Phase.NEW_PRIMARY);
        assertThat(side(7L)).isEqualTo("new-side");
        phase(Phase.BACKFILL);
        assertThat(side(7L)).isEqualTo("old-side");
        RouterFixture.awaitVersion(router, f.set(Phase.TRAFFIC_SHIFT, 100, 0.0, "s").version());
        assertThat(side(7L)).isEqualTo("new-side");
        assertThat(side(null)).isEqualTo("new-side");
        // read_percent is ignored while writes go to old only: new may be incomplete then
        RouterFixture.awaitVersion(router, f.set(Phase.BACKFILL, 100, 0.0, "s").version());
        assertThat(side(7L)).isEqualTo("old-side");
    }

    @Test
    void rowsFromEitherSideHaveTheOldShapeAndMapperApplies() throws Exception {
        f.oldDb.exec("INSERT INTO orders VALUES (1, 7, 12.50, '{\"shipping_method\":\"ground\"}', '2024-01-01Z')");
        f.newDb.exec("INSERT INTO orders VALUES (1, 7, 1250, 'ground', '2024-01-01Z')");
        ReadOp<String> methods = RouterFixture.LIST.map(r -> r.get("id") + ":" + r.get("shipping_method"));
        phase(Phase.DUAL_WRITE);
        List<Map<String, Object>> fromOld = router.read(RouterFixture.LIST, 7L, 7L);
        assertThat(router.read(methods, 7L, 7L)).containsExactly("1:ground");
        phase(Phase.NEW_PRIMARY);
        List<Map<String, Object>> fromNew = router.read(RouterFixture.LIST, 7L, 7L);
        assertThat(fromNew.get(0).keySet()).isEqualTo(fromOld.get(0).keySet());
        assertThat(ResultComparison.same(fromOld, fromNew, false)).isTrue();
        assertThat(router.read(methods, 7L, 7L)).containsExactly("1:ground");
    }

    @Test
    void stickySplitKeepsEachTenantOnOneSide() throws Exception {
        f.oldDb.exec("INSERT INTO orders SELECT t, t, 1, '{\"shipping_method\":\"old\"}', '2024-01-01Z' "
                + "FROM generate_series(1, 200) t");
        f.newDb.exec("INSERT INTO orders SELECT t, t, 100, 'new', '2024-01-01Z' FROM generate_series(1, 200) t");
        ControlState s = f.set(Phase.TRAFFIC_SHIFT, 25, 0.0, "salt-1");
        RouterFixture.awaitVersion(router, s.version());
        int onNew = 0;
        for (long t = 1; t <= 200; t++) {
            String first = side(t);
            for (int i = 0; i < 5; i++) {
                assertThat(side(t)).as("tenant %d stays on one side", t).isEqualTo(first);
            }
            boolean expectNew = StickySplit.bucket("salt-1", Long.toString(t)) < 2500;
            assertThat(first).isEqualTo(expectNew ? "new" : "old");
            onNew += first.equals("new") ? 1 : 0;
        }
        assertThat(onNew).isBetween(25, 80);
        // moving the percentage up keeps every tenant that was on new there
        RouterFixture.awaitVersion(router, f.set(Phase.TRAFFIC_SHIFT, 50, 0.0, "salt-1").version());
        for (long t = 1; t <= 200; t++) {
            if (StickySplit.bucket("salt-1", Long.toString(t)) < 2500) {
                assertThat(side(t)).isEqualTo("new");
            }
        }
    }

    @Test
    void noRoutingKeyChoosesPerRequest() throws Exception {
        f.oldDb.exec("INSERT INTO orders VALUES (1, 7, 1, '{\"shipping_method\":\"old\"}', '2024-01-01Z')");
        f.newDb.exec("INSERT INTO orders VALUES (1, 7, 100, 'new', '2024-01-01Z')");
        RouterFixture.awaitVersion(router, f.set(Phase.TRAFFIC_SHIFT, 50, 0.0, "s").version());
        int onNew = 0;
        for (int i = 0; i < 200; i++) {
            onNew += side(null).equals("new") ? 1 : 0;
        }
        assertThat(onNew).isBetween(40, 160);
    }

    @Test
    void writeOpWithoutKeyIsRejectedBeforeAnythingRuns() {
        WriteOp noKey = WriteOp.named("bump").table("orders").oldSql("UPDATE orders SET total_amount = 1 WHERE id = ?")
                .newSql("UPDATE orders SET total_cents = 100 WHERE id = ?");
        assertThatThrownBy(() -> router.write(noKey, 1L, 1L)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bump").hasMessageContaining("keyParams");
        WriteOp badTable = WriteOp.named("x").table("nope").oldSql("DELETE FROM orders WHERE id = ?")
                .newSql("DELETE FROM orders WHERE id = ?").keyParams(1);
        assertThatThrownBy(() -> {
            RouterFixture.awaitVersion(router, f.set(Phase.DUAL_WRITE).version());
            router.write(badTable, 1L, 1L);
        }).hasMessageContaining("table nope is not in plan");
    }

    private String side(Long tenant) throws Exception {
        List<Map<String, Object>> rows = router.read(RouterFixture.LIST, tenant, tenant == null ? 7L : tenant);
        return (String) rows.get(0).get("shipping_method");
    }
}
