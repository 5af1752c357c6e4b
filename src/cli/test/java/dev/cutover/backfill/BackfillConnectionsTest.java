package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.DbException;
import dev.cutover.testing.TestDb;
import dev.cutover.work.RunLockLost;
import org.junit.jupiter.api.Test;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A backfill that fails gives back every connection it opened: the count of the engine's sessions
 * (application_name {@code cutover}) on each database returns to what it was before the run.
 */
@NeedsServers
class BackfillConnectionsTest {

    @Test
    void aTableThatFailsLeavesNoSessionOpen() throws Exception {
        try (Orders o = new Orders("bf_conn_fail", "bf-conn-fail", 1500)) {
            long oldBefore = sessions(o.old);
            long newBefore = sessions(o.neu);
            o.old.exec("UPDATE orders SET metadata = jsonb_set(metadata, '{priority}', '\"high\"') WHERE id = 700");

            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);

            assertThat(r.complete()).isFalse();
            assertThat(r.errors()).singleElement().asString().contains("{\"id\":700}");
            awaitSessions(o, oldBefore, newBefore);
        }
    }

    @Test
    void aRunThatStopsOnALostLockLeavesNoSessionOpen() throws Exception {
        try (Orders o = new Orders("bf_conn_lost", "bf-conn-lost", 3000)) {
            long oldBefore = sessions(o.old);
            long newBefore = sessions(o.neu);
            AtomicBoolean killed = new AtomicBoolean();
            BackfillEngine engine = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().maxRowsPerSec(1500));

            assertThatThrownBy(() -> engine.run(e -> {
                if (!killed.get() && e.total().rowsDone() > 300) {
                    killed.set(true);
                    o.neu.killConnections();
                }
            })).isInstanceOf(RunLockLost.class);

            assertThat(killed).isTrue();
            awaitSessions(o, oldBefore, newBefore);
        }
    }

    @Test
    void aRefusedRunLeavesNoSessionOpen() throws Exception {
        try (Orders o = new Orders("bf_conn_refused", "bf-conn-refused", 100)) {
            o.neu.exec("ALTER TABLE orders DROP CONSTRAINT orders_pkey");
            long oldBefore = sessions(o.old);
            long newBefore = sessions(o.neu);

            assertThatThrownBy(() -> new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null))
                    .isInstanceOf(DbException.class).hasMessageContaining("no primary key");

            awaitSessions(o, oldBefore, newBefore);
        }
    }

    /** The engine's sessions end when it closes them; the server takes a moment to forget a backend. */
    private static void awaitSessions(Orders o, long oldBefore, long newBefore) {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(sessions(o.old)).as("cutover sessions on the old database").isEqualTo(oldBefore);
            assertThat(sessions(o.neu)).as("cutover sessions on the new database").isEqualTo(newBefore);
        });
    }

    private static long sessions(TestDb db) throws SQLException {
        return Orders.count(db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cutover' AND datname = '"
                + db.name() + "'");
    }
}
