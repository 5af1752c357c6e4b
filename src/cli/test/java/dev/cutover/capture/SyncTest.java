package dev.cutover.capture;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cutover sync --until-caught-up} against real servers: inserts, updates, key updates, deletes, TOAST, truncate. */
@NeedsServers
class SyncTest {
    SyncPair p;

    @BeforeEach
    void setUp() {
        p = new SyncPair("sync");
    }

    @AfterEach
    void tearDown() {
        p.close();
    }

    private void caughtUp() {
        CliRun r = p.run("sync", "--until-caught-up");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("caught up");
    }

    @Test
    void appliesEveryKindOfChangeThroughThePlan() throws Exception {
        // the first run creates the slot and publication: changes from then on are followed
        caughtUp();
        assertThat(p.actualUsers()).isEmpty();
        p.old.exec("""
                INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, 50) g;
                INSERT INTO orders SELECT g, 1 + g % 50, g * 1.15 FROM generate_series(1, 200) g;
                UPDATE users SET name = 'renamed' WHERE id = 3;
                UPDATE users SET note = repeat(md5(id::text), 400) WHERE id <= 5;   -- toasted
                UPDATE users SET name = 'again' WHERE id = 4;                       -- TOAST column unchanged in this update
                DELETE FROM orders WHERE id > 190;
                UPDATE orders SET id = 1000 WHERE id = 7;                           -- a key update: old key goes, new key comes
                DELETE FROM users WHERE id = 50;                                    -- cascades to its orders on the old side
                """);
        caughtUp();
        assertThat(p.actualUsers()).hasSize(49).isEqualTo(p.expectedUsers());
        assertThat(p.actualOrders()).isEqualTo(p.expectedOrders());
        assertThat(SyncPair.rows(p.neu, "SELECT count(*) FROM orders WHERE id = 7")).containsExactly("0");
        assertThat(SyncPair.rows(p.neu, "SELECT count(*) FROM orders WHERE id = 1000")).containsExactly("1");
        assertThat(SyncPair.rows(p.neu, "SELECT length(note) FROM users WHERE id = 4")).containsExactly("12800");
        // the slot's confirmed position moved on: nothing is applied twice on the next run
        SyncSlot.Info info = new SyncSlot(p.oldDb(), p.parsed()).info();
        assertThat(info).isNotNull();
        assertThat(info.active()).isFalse();
        CliRun again = p.run("sync", "--until-caught-up");
        assertThat(again.out()).contains("sync " + p.name + " caught up: 0 changes");
    }

    @Test
    void childBeforeParentInOneTransactionAndParentDeletedWithChildren() throws Exception {
        caughtUp();
        // interleaved writes across the new schema's foreign key, in one transaction and across several
        p.old.exec("""
                BEGIN;
                INSERT INTO users VALUES (1, 'a', NULL);
                INSERT INTO orders VALUES (10, 1, 1.0);
                INSERT INTO users VALUES (2, 'b', NULL);
                UPDATE orders SET user_id = 2 WHERE id = 10;
                COMMIT;
                INSERT INTO orders VALUES (11, 2, 2.5);
                DELETE FROM users WHERE id = 1;
                """);
        caughtUp();
        assertThat(p.actualUsers()).isEqualTo(p.expectedUsers()).hasSize(1);
        assertThat(p.actualOrders()).isEqualTo(p.expectedOrders()).hasSize(2);
        p.old.exec("DELETE FROM users WHERE id = 2"); // cascades on the old side: the new side's orders must go first
        caughtUp();
        assertThat(p.actualUsers()).isEmpty();
        assertThat(p.actualOrders()).isEmpty();
    }

    @Test
    void truncateOnTheOldSideResyncsTheWholeTable() throws Exception {
        caughtUp();
        p.old.exec("""
                INSERT INTO users SELECT g, 'user ' || g, NULL FROM generate_series(1, 20) g;
                INSERT INTO orders SELECT g, g, g FROM generate_series(1, 20) g;
                """);
        caughtUp();
        assertThat(p.actualOrders()).hasSize(20);
        p.old.exec("""
                BEGIN;
                TRUNCATE orders;
                INSERT INTO orders VALUES (5, 5, 9.99), (30, 1, 1.01);
                COMMIT;
                TRUNCATE users CASCADE;
                INSERT INTO users VALUES (7, 'seven', NULL);
                """);
        CliRun r = p.run("sync", "--until-caught-up");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("truncated table(s) re-synced whole");
        assertThat(p.actualUsers()).isEqualTo(p.expectedUsers()).containsExactly("7|SEVEN|NULL");
        assertThat(p.actualOrders()).isEmpty();
    }

    @Test
    void aTableWithoutReplicaIdentityForItsKeyIsRefusedWithTheFixBeforeAnythingIsCreated() throws Exception {
        p.old.exec("ALTER TABLE orders REPLICA IDENTITY NOTHING");
        CliRun r = p.run("sync", "--until-caught-up");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("replica identity of public.orders (NOTHING) does not include the plan's key column(s) id")
                .contains("REPLICA IDENTITY FULL");
        // nothing made: a publication over such a table would make PostgreSQL refuse the application's UPDATE and DELETE
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_publication WHERE pubname = '" + p.slot() + "'")).containsExactly("0");
        p.old.exec("INSERT INTO users VALUES (1, 'a', NULL); INSERT INTO orders VALUES (1, 1, 1); DELETE FROM orders");
        p.old.exec("ALTER TABLE orders REPLICA IDENTITY FULL");
        caughtUp();
        p.old.exec("INSERT INTO orders VALUES (2, 1, 2); INSERT INTO orders VALUES (3, 1, 3); DELETE FROM orders WHERE id = 2");
        caughtUp();
        assertThat(p.actualOrders()).isEqualTo(p.expectedOrders()).hasSize(1);
    }

    @Test
    void lagAndHealthGoToRedisAndStatusShowsThemWithTheRetainedWalWarning() throws Exception {
        String redis = dev.cutover.testing.TestRedis.sharedUrl();
        caughtUp();
        p.old.exec("INSERT INTO users SELECT g, 'u', NULL FROM generate_series(1, 30) g");
        CliRun r = p.run("sync", "--until-caught-up", "--redis", redis, "--max-retained-wal", "1B");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("WARNING: replication slot " + p.slot() + " retains").contains("cutover sync --drop");
        java.util.Map<String, String> h;
        try (dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(redis)) {
            h = link.sync().hgetall(new dev.cutover.control.ControlKeys(p.name).sync());
        }
        assertThat(h).containsEntry("state", "stopped").containsEntry("slot", p.slot()).containsEntry("changes_applied", "30")
                .containsEntry("max_retained_wal_bytes", "1").containsKeys("lag_bytes", "lag_seconds", "changes_per_sec",
                        "retained_wal_bytes", "confirmed_lsn", "last_error", "updated_at");
        assertThat(Long.parseLong(h.get("retained_wal_bytes"))).isPositive();
        assertThat(h.get("confirmed_lsn")).matches("[0-9A-F]+/[0-9A-F]+");
        CliRun st = CliRun.run("status", "--migration", p.name, "--redis", redis);
        assertThat(st.out()).contains("sync          stopped: lag ").contains("(30 applied); slot " + p.slot())
                .contains("WARNING: replication slot " + p.slot());
        // a stopped sync holds the phase guards until it runs again or is dropped (GuardDecisionsTest: the decisions)
        try (dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(redis)) {
            dev.cutover.control.Guards guards = new dev.cutover.control.Guards(new dev.cutover.control.ControlStore(link, p.name),
                    dev.cutover.control.GuardSettings.defaults());
            dev.cutover.control.GuardCheck check = guards.syncCaughtUp(guards.read());
            assertThat(check.ok()).isFalse();
            assertThat(check.detail()).contains("cutover sync is stopped");
        }
        CliRun drop = p.run("sync", "--drop", "--redis", redis);
        assertThat(drop.status()).as(drop.err()).isZero();
        assertThat(drop.out()).contains("its status in Redis removed (the phase guards no longer wait for it)");
        try (dev.cutover.control.RedisLink link = dev.cutover.control.RedisLink.open(redis)) {
            assertThat(link.sync().exists(new dev.cutover.control.ControlKeys(p.name).sync())).isZero();
        }
    }

    @Test
    void dropIsRefusedWhileASyncProcessStreamsAndSigtermStopsItCleanly() throws Exception {
        java.nio.file.Path log = dev.cutover.testing.CliProcess.log();
        Process sync = dev.cutover.testing.CliProcess.start(log, "sync", "--plan", p.plan.toString(), "--old", p.old.url(), "--new", p.neu.url());
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(120)).until(() -> {
                SyncSlot.Info i = new SyncSlot(p.oldDb(), p.parsed()).info();
                return i != null && i.active();
            });
            p.old.exec("INSERT INTO users VALUES (1, 'a', NULL)");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> p.actualUsers().size() == 1);
            CliRun d = p.run("sync", "--drop");
            assertThat(d.status()).isEqualTo(2);
            assertThat(d.err()).contains("replication slot " + p.slot() + " is in use by a sync process").contains("stop that 'cutover sync' first");
            assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "'")).containsExactly("1");
            // a second sync of the same plan meanwhile: one clear line, the first one goes on
            CliRun second = p.run("sync", "--until-caught-up");
            assertThat(second.status()).isEqualTo(2);
            assertThat(second.err()).contains("another 'cutover sync' of this plan is running: stop it first");
            p.old.exec("INSERT INTO users VALUES (2, 'b', NULL)");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> p.actualUsers().size() == 2);
        } finally {
            sync.destroy(); // SIGTERM: the stop hook lets the batch in hand finish
        }
        assertThat(sync.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(sync.exitValue()).as("the status after SIGTERM, as docs/sync.md says").isEqualTo(143);
        String out = dev.cutover.testing.CliProcess.read(log);
        assertThat(out).contains("sync " + p.name + " stopped: 2 changes in 2 transactions");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !new SyncSlot(p.oldDb(), p.parsed()).info().active());
        assertThat(p.run("sync", "--drop").status()).isZero();
    }

    @Test
    void dropRemovesSlotAndPublication() throws Exception {
        caughtUp();
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "'")).containsExactly("1");
        CliRun d = p.run("sync", "--drop");
        assertThat(d.status()).as(d.err()).isZero();
        assertThat(d.out()).contains("replication slot " + p.slot() + " dropped").contains("publication dropped");
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "'")).containsExactly("0");
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_publication WHERE pubname = '" + p.slot() + "'")).containsExactly("0");
    }
}
