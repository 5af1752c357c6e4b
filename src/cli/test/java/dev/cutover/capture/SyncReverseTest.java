package dev.cutover.capture;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cutover sync --reverse}: the new database followed and written back into the old one through the plan's reverse mappings. */
@NeedsServers
class SyncReverseTest {
    SyncPair p;

    @BeforeEach
    void setUp() {
        p = new SyncPair("syncrev");
    }

    @AfterEach
    void tearDown() {
        p.close();
    }

    private void caughtUp() {
        CliRun r = p.run("sync", "--reverse", "--until-caught-up");
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("following the new database (reverse, into the old one)").contains("caught up");
    }

    @Test
    void writesOnTheNewDatabaseReachTheOldOneThroughReverse() throws Exception {
        caughtUp();
        assertThat(SyncPair.rows(p.neu, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "_rev'"))
                .containsExactly("1");
        p.neu.exec("""
                INSERT INTO users SELECT g, 'USER ' || g, NULL FROM generate_series(1, 40) g;
                INSERT INTO orders SELECT g, 1 + g % 40, g * 3 FROM generate_series(1, 120) g;
                UPDATE users SET first_name = 'RENAMED', note = 'n' WHERE id = 2;
                UPDATE orders SET id = 500 WHERE id = 9;
                DELETE FROM orders WHERE user_id = 40;
                DELETE FROM users WHERE id = 40;
                """);
        caughtUp();
        // the old side holds what reverse makes of the new rows: name = lower(first_name), total_amount = total_cents / 100.0
        assertThat(SyncPair.rows(p.old, "SELECT id, name, note FROM users WHERE id = 2")).containsExactly("2|renamed|n");
        assertThat(p.expectedUsers()).isEqualTo(p.actualUsers()).hasSize(39);
        assertThat(p.expectedOrders()).isEqualTo(p.actualOrders());
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM orders WHERE id = 9")).containsExactly("0");
        assertThat(SyncPair.rows(p.old, "SELECT total_amount FROM orders WHERE id = 500")).containsExactly("0.27");
        // the forward slot was never made: the reverse stream has its own
        assertThat(SyncPair.rows(p.old, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "'")).containsExactly("0");
        CliRun d = p.run("sync", "--reverse", "--drop");
        assertThat(d.out()).contains("replication slot " + p.slot() + "_rev dropped");
    }

    @Test
    void theReverseStreamIsRefusedBeforeNewPrimaryWhenRedisIsGiven() throws Exception {
        String redis = dev.cutover.testing.TestRedis.sharedUrl();
        CliRun refused = p.run("sync", "--reverse", "--until-caught-up", "--redis", redis);
        assertThat(refused.status()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.err().lines()).as(refused.err()).containsExactly("cutover: sync --reverse " + p.name + ": refused: migration "
                + p.name + " is in phase planning; the reverse stream follows the new database, which takes the writes from new_primary"
                + " on (move them with cutover flip-writes --to new, or cutover phase new_primary)");
        assertThat(SyncPair.rows(p.neu, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + p.slot() + "_rev'"))
                .as("nothing created").containsExactly("0");
        for (String phase : java.util.List.of("backfill", "dual_write", "shadow_read", "traffic_shift", "new_primary")) {
            CliRun r = p.run("phase " + phase, "--redis", redis, "--override", "--reason", "test", "--flip-timeout", "0s");
            assertThat(r.status()).as(phase + ": " + r.out() + r.err()).isZero();
            if (phase.equals("traffic_shift")) {
                assertThat(p.run("sync", "--reverse", "--until-caught-up", "--redis", redis).status()).isEqualTo(1);
            }
        }
        CliRun ok = p.run("sync", "--reverse", "--until-caught-up", "--redis", redis);
        assertThat(ok.status()).as(ok.out() + ok.err()).isZero();
        assertThat(ok.err()).doesNotContain("WARNING");
        // without Redis: a warning, and it runs
        CliRun noRedis = p.run("sync", "--reverse", "--until-caught-up");
        assertThat(noRedis.status()).isZero();
        assertThat(noRedis.err()).contains("WARNING: sync --reverse " + p.name + ": no --redis, so the phase is not checked");
    }
}
