package dev.cutover.app;

import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncHealth;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.SyncStatus;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;
import dev.cutover.control.RouterHeartbeat;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link SyncRun} on a thread of its own, as the console starts it, against real servers; and {@link WritesFollow}. */
@NeedsServers
class SyncRunTest {
    private final TestDb old = TestDb.createOld("syncrun_old")
            .exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_amount numeric(12,2) NOT NULL)");
    private final TestDb neu = TestDb.createNew("syncrun_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL)");
    private final String migration = TestRedis.uniqueMigration("syncrun");
    private final Plan plan = PlanFile.parse("""
            {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "orders"},
              "target": {"schema": "public", "table": "orders"}, "key": ["id"],
              "columns": [{"target": "id", "expr": "id"}, {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"}]}]}
            """.formatted(migration), "plan.json");
    private final Db oldDb = new Db("old database", old.url());
    private final Db newDb = new Db("new database", neu.url());

    private SyncRun run;

    @AfterEach
    void tearDown() throws InterruptedException {
        if (run != null) {
            run.stop();
            run.awaitEnd(30_000);
        }
        try {
            new SyncSlot(oldDb, plan).drop();
        } catch (RuntimeException ignored) {
            // dropped by the test
        }
        old.close();
        neu.close();
    }

    @Test
    void startsOnItsOwnThreadPublishesToRedisAppliesAChangeAndStopsAfterTheBatch() throws Exception {
        run = new SyncRun(oldDb, newDb, plan, SyncRun.Settings.forward(TestRedis.sharedUrl()));
        AtomicReference<SyncEngine.Report> report = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        run.start(null, report::set, failure::set);
        await().atMost(30, TimeUnit.SECONDS).until(() -> run.last() != null && SyncStatus.RUNNING.equals(run.last().state()));
        assertThat(run.running()).isTrue();
        assertThat(run.slot()).isEqualTo(SyncSlot.nameFor(migration));
        assertThat(new SyncSlot(oldDb, plan).info().active()).isTrue();

        old.exec("INSERT INTO orders VALUES (7, 12.34)");
        await().atMost(30, TimeUnit.SECONDS).until(() -> count("SELECT count(*) FROM orders WHERE id = 7 AND total_cents = 1234") == 1);

        // the status hash in Redis says running, and so the mode is sync (no router heartbeat)
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                SyncStatus s = SyncHealth.read(link, migration);
                return s != null && s.changesApplied() >= 1;
            });
            SyncStatus s = SyncHealth.read(link, migration);
            assertThat(s.live(System.currentTimeMillis())).isTrue();
            assertThat(WritesFollow.of(List.of(), s, null, System.currentTimeMillis(), Duration.ofSeconds(5))).isEqualTo(WritesFollow.SYNC);
        }
        // a second process on the same slot is refused while this one streams, and so is the drop
        assertThatThrownBy(() -> SyncRun.drop(oldDb, plan, false, null)).isInstanceOf(DbException.class).hasMessageContaining("in use");

        run.stop();
        assertThat(run.awaitEnd(30_000)).isTrue();
        await().atMost(10, TimeUnit.SECONDS).until(() -> report.get() != null || failure.get() != null);
        assertThat(failure.get()).isNull();
        assertThat(report.get().changes()).isGreaterThanOrEqualTo(1);
        assertThat(SyncRun.summary(migration, report.get())).startsWith("sync " + migration + " stopped: 1 changes in 1 transactions");
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            SyncStatus s = SyncHealth.read(link, migration);
            assertThat(s.state()).isEqualTo(SyncStatus.STOPPED);
            assertThat(s.live(System.currentTimeMillis())).isFalse();
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> !new SyncSlot(oldDb, plan).info().active());

        SyncRun.Dropped d = SyncRun.drop(oldDb, plan, false, TestRedis.sharedUrl());
        assertThat(d.line(migration)).isEqualTo("sync " + migration + ": replication slot " + run.slot() + " dropped; publication dropped;"
                + " its status in Redis removed (the phase guards no longer wait for it)");
        assertThat(new SyncSlot(oldDb, plan).info()).isNull();
    }

    @Test
    void aRequestThroughRedisStopsTheRunAfterItsBatchAndAnOlderRequestDoesNot() throws Exception {
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            // a request left from before this run started is not for it
            SyncHealth.requestStop(link, migration, false, "bob@elsewhere", "an earlier flip");
            await().atMost(5, TimeUnit.SECONDS).until(() -> System.currentTimeMillis() > Long.parseLong(
                    link.sync().hget(new ControlKeys(migration).syncStop(false), ControlKeys.SyncStop.AT)) + 5);
            run = new SyncRun(oldDb, newDb, plan, SyncRun.Settings.forward(TestRedis.sharedUrl()));
            AtomicReference<SyncEngine.Report> report = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            run.start(null, report::set, failure::set);
            await().atMost(30, TimeUnit.SECONDS).until(() -> run.last() != null && SyncStatus.RUNNING.equals(run.last().state()));
            old.exec("INSERT INTO orders VALUES (8, 1.50)");
            await().atMost(30, TimeUnit.SECONDS).until(() -> count("SELECT count(*) FROM orders WHERE id = 8") == 1);
            assertThat(run.running()).as("an older request stops nothing").isTrue();

            SyncHealth.requestStop(link, migration, true, "alice@db-admin-1", "the reverse stream only");
            SyncHealth.requestStop(link, migration, false, "alice@db-admin-1", "console: flip writes to the new database");
            assertThat(run.awaitEnd(30_000)).as("stopped within a status tick or so").isTrue();
            // the report reaches onEnd just after the run counts as ended
            await().atMost(10, TimeUnit.SECONDS).until(() -> report.get() != null || failure.get() != null);
            assertThat(failure.get()).isNull();
            assertThat(SyncRun.stoppedByLine(migration, run.stoppedBy())).isEqualTo("sync " + migration
                    + ": stopped at the request of alice@db-admin-1 (console: flip writes to the new database)");
            await().atMost(10, TimeUnit.SECONDS).until(() -> !new SyncSlot(oldDb, plan).info().active());
            assertThat(link.sync().ttl(new ControlKeys(migration).syncStop(false))).isBetween(1L, 120L);
            link.sync().del(new ControlKeys(migration).syncStop(false), new ControlKeys(migration).syncStop(true),
                    new ControlKeys(migration).sync());
        }
    }

    @Test
    void aBadBatchSizeIsOneLineBeforeAnythingStarts() {
        assertThatThrownBy(() -> new SyncRun(oldDb, newDb, plan, new SyncRun.Settings(false, false, 0, 0, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--batch-keys must be 1 or more, got 0");
    }

    @Test
    void writesFollowByWhatIsLive() {
        long now = 1_000_000_000L;
        RouterHeartbeat fresh = new RouterHeartbeat("r1", Map.of(ControlKeys.Heartbeat.AT, String.valueOf(now - 1000)));
        RouterHeartbeat stale = new RouterHeartbeat("r2", Map.of(ControlKeys.Heartbeat.AT, String.valueOf(now - 60_000)));
        SyncStatus running = status(SyncStatus.RUNNING, now - 2000);
        SyncStatus retrying = status(SyncStatus.RETRYING, now - 2000);
        SyncStatus silent = status(SyncStatus.RUNNING, now - 60_000);
        SyncStatus stopped = status(SyncStatus.STOPPED, now - 1000);
        Duration live = Duration.ofSeconds(5);
        assertThat(WritesFollow.of(List.of(), null, null, now, live)).isEqualTo(WritesFollow.NONE);
        assertThat(WritesFollow.of(List.of(stale), stopped, silent, now, live)).isEqualTo(WritesFollow.NONE);
        assertThat(WritesFollow.of(List.of(fresh, stale), null, null, now, live)).isEqualTo(WritesFollow.ROUTER);
        assertThat(WritesFollow.of(List.of(stale), running, null, now, live)).isEqualTo(WritesFollow.SYNC);
        assertThat(WritesFollow.of(List.of(), null, retrying, now, live)).isEqualTo(WritesFollow.SYNC);
        assertThat(WritesFollow.of(List.of(fresh), running, null, now, live)).isEqualTo(WritesFollow.ROUTER_AND_SYNC);
        // where the routers write one database only they carry nothing across: the words say so (the walk's "router" in planning)
        assertThat(WritesFollow.ROUTER.words(dev.cutover.control.WriteTarget.OLD_ONLY)).isEqualTo("none yet (routers write old only)");
        assertThat(WritesFollow.ROUTER.words(dev.cutover.control.WriteTarget.NEW_ONLY)).isEqualTo("none (routers write new only)");
        assertThat(WritesFollow.ROUTER_AND_SYNC.words(dev.cutover.control.WriteTarget.OLD_ONLY)).isEqualTo("sync (routers write old only)");
        assertThat(WritesFollow.ROUTER.words(dev.cutover.control.WriteTarget.DUAL_WRITE)).isEqualTo("router");
        assertThat(WritesFollow.SYNC.words(dev.cutover.control.WriteTarget.OLD_ONLY)).isEqualTo("sync");
        assertThat(WritesFollow.ROUTER_AND_SYNC.words()).isEqualTo("router + sync");
        assertThat(WritesFollow.ROUTER_AND_SYNC.wireName()).isEqualTo("router+sync");
    }

    private static SyncStatus status(String state, long at) {
        return new SyncStatus(state, "s", "0/0", 0, 0, 0, 0, 0, 1L << 30, "", at);
    }

    private long count(String sql) throws Exception {
        try (Connection c = neu.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
