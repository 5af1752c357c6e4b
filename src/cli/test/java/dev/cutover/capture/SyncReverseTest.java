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
}
