package dev.cutover.ui.sync;

import dev.cutover.capture.SyncSlot;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;

import java.sql.Connection;
import java.sql.ResultSet;

/**
 * An old and a new database on the two test servers (wal_level=logical) with one table, its plan
 * (with a reverse mapping, for the reverse stream after a write flip), and the slots dropped at the end.
 */
final class SyncPairFixture implements AutoCloseable {
    final TestDb old;
    final TestDb neu;
    final String migration;
    final Plan plan;

    SyncPairFixture(String label) {
        old = TestDb.createOld(label + "_old").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_amount numeric(12,2) NOT NULL)");
        neu = TestDb.createNew(label + "_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL)");
        migration = TestRedis.uniqueMigration(label);
        plan = PlanFile.parse("""
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "orders"},
                  "target": {"schema": "public", "table": "orders"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"}],
                  "reverse": [{"target": "total_amount", "expr": "total_cents / 100.0"}]}]}
                """.formatted(migration), "plan.json");
    }

    Db oldDb() {
        return new Db("old database", old.url());
    }

    Db newDb() {
        return new Db("new database", neu.url());
    }

    long countNew(String sql) throws Exception {
        try (Connection c = neu.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        for (Runnable drop : new Runnable[] {() -> new SyncSlot(oldDb(), plan).drop(),
                () -> new SyncSlot(newDb(), plan, Direction.REVERSE).drop()}) {
            try {
                drop.run();
            } catch (RuntimeException ignored) {
                // none, or dropped by the test
            }
        }
        old.close();
        neu.close();
    }
}
