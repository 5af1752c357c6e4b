package dev.cutover.backfill;

import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** The sample project's orders table (jsonb extraction, float dollars to integer cents) on an old and a new test database. */
final class Orders implements AutoCloseable {
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "orders"},
              "target": {"schema": "public", "table": "orders"},
              "key": ["id"],
              "columns": [
                {"target": "id", "expr": "id"},
                {"target": "shipping_method", "expr": "metadata->>'shipping_method'"},
                {"target": "priority", "expr": "(metadata->>'priority')::int"},
                {"target": "total_cents", "expr": "%s"}
              ],
              "dropped": ["legacy_flags"]
            }]}""";

    static final String CENTS = "round(total_amount * 100)::bigint";
    /** The same value, computed slowly (1 ms a row), so a chunk is surely in flight when a test kills its worker. */
    static final String SLOW_CENTS = "round(slow_pass(total_amount, 0.001) * 100)::bigint";

    static String planJson(String migration, String centsExpr) {
        return PLAN.formatted(migration, centsExpr);
    }

    final TestDb old;
    final TestDb neu;
    final Plan plan;

    Orders(String label, String migration, int rows) {
        this(label, migration, rows, TestDb.Server.NEW);
    }

    /** {@code newServer} OLD puts both databases on one server (a test of limits that server shares). */
    Orders(String label, String migration, int rows, TestDb.Server newServer) {
        old = TestDb.create(label + "_old");
        neu = TestDb.create(label + "_new", newServer);
        old.exec(TestDb.SLOW_PASS);
        old.exec("CREATE TABLE orders (id bigint PRIMARY KEY, metadata jsonb, total_amount double precision, legacy_flags text);"
                + "INSERT INTO orders SELECT g, jsonb_build_object('shipping_method', CASE WHEN g % 3 = 0 THEN 'air' ELSE 'ground' END, "
                + "'priority', (g % 5)::text), (g * 1.25)::double precision, 'x' FROM generate_series(1, " + rows + ") g");
        neu.exec("CREATE TABLE orders (id bigint PRIMARY KEY, shipping_method text, priority int, total_cents bigint)");
        plan = PlanFile.parse(planJson(migration, CENTS), "plan.json");
    }

    Db oldDb() {
        return new Db("old database", old.url());
    }

    Db newDb() {
        return new Db("new database", neu.url());
    }

    /** The mapped source rows, as text, in key order. */
    List<String> expected() throws SQLException {
        return expected("TRUE");
    }

    /** The same, for the rows matching {@code where}. */
    List<String> expected(String where) throws SQLException {
        return rows(old, "SELECT id, metadata->>'shipping_method', (metadata->>'priority')::int, round(total_amount * 100)::bigint "
                + "FROM orders WHERE " + where + " ORDER BY id");
    }

    List<String> actual() throws SQLException {
        return rows(neu, "SELECT id, shipping_method, priority, total_cents FROM orders ORDER BY id");
    }

    static List<String> rows(TestDb db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    b.append(i > 1 ? "|" : "").append(v == null ? "<null>" : "'" + v + "'");
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    static long count(TestDb db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Small chunks so a few thousand rows make many chunks. */
    static BackfillOptions small() {
        return new BackfillOptions().work(w -> w.withChunkRows(50, 100, 400).withTargetChunkSeconds(0.05).withLatencyLimitMillis(0)
                .withProgressIntervalMillis(100).withRetries(3, 50));
    }

    @Override
    public void close() {
        old.close();
        neu.close();
    }
}
