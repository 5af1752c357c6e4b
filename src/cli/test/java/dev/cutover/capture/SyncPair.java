package dev.cutover.capture;

import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.CliRun;
import dev.cutover.testing.TestDb;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * An old database (users, orders: names split, dollars to cents) and a new one on the other test
 * server, with the new schema's foreign key orders → users, a plan file, and the sync slot dropped
 * at the end (a slot left behind would keep the test server's WAL).
 */
final class SyncPair implements AutoCloseable {
    static final String OLD_SCHEMA = """
            CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL, note text);
            CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                                 total_amount double precision NOT NULL);
            """;
    static final String NEW_SCHEMA = """
            CREATE TABLE users (id bigint PRIMARY KEY, first_name text NOT NULL, note text);
            CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), total_cents bigint NOT NULL);
            """;

    final TestDb old;
    final TestDb neu;
    final Path dir;
    final Path plan;
    final String name;

    SyncPair(String label) {
        old = TestDb.create(label + "_old").exec(OLD_SCHEMA);
        neu = TestDb.createNew(label + "_new").exec(NEW_SCHEMA);
        name = "sync_" + old.name();
        try {
            dir = Files.createTempDirectory("cutover-sync");
            plan = Files.writeString(dir.resolve("plan.json"), """
                    {"version": 1, "name": "%s", "tables": [
                      {"source": {"schema": "public", "table": "users"}, "target": {"schema": "public", "table": "users"},
                       "key": ["id"],
                       "columns": [{"target": "id", "expr": "id"}, {"target": "first_name", "expr": "upper(name)"},
                                   {"target": "note", "expr": "note"}],
                       "reverse": [{"target": "name", "expr": "lower(first_name)"}]},
                      {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
                       "key": ["id"],
                       "columns": [{"target": "id", "expr": "id"}, {"target": "user_id", "expr": "user_id"},
                                   {"target": "total_cents", "expr": "round(total_amount::numeric * 100)::bigint"}],
                       "reverse": [{"target": "total_amount", "expr": "total_cents / 100.0"}]}
                    ]}
                    """.formatted(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Plan parsed() {
        return PlanFile.read(plan);
    }

    Db oldDb() {
        return new Db("old database", old.url());
    }

    Db newDb() {
        return new Db("new database", neu.url());
    }

    String slot() {
        return SyncSlot.nameFor(name);
    }

    /** {@code cutover <command> --plan P --old O --new N <args>} in this JVM. */
    CliRun run(String command, String... args) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(List.of("--plan", plan.toString(), "--old", old.url(), "--new", neu.url()));
        all.addAll(List.of(args));
        return CliRun.run(all.toArray(new String[0]));
    }

    /** The old side's rows as the new side should hold them, and the new side's rows, each sorted. */
    List<String> expectedUsers() throws Exception {
        return rows(old, "SELECT id, upper(name), note FROM users ORDER BY id");
    }

    List<String> actualUsers() throws Exception {
        return rows(neu, "SELECT id, first_name, note FROM users ORDER BY id");
    }

    List<String> expectedOrders() throws Exception {
        return rows(old, "SELECT id, user_id, round(total_amount::numeric * 100)::bigint FROM orders ORDER BY id");
    }

    List<String> actualOrders() throws Exception {
        return rows(neu, "SELECT id, user_id, total_cents FROM orders ORDER BY id");
    }

    static List<String> rows(TestDb db, String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    b.append(i > 1 ? "|" : "").append(v == null ? "NULL" : v.length() > 40 ? v.length() + ":" + v.hashCode() : v);
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            new SyncSlot(oldDb(), parsed()).drop();
            new SyncSlot(newDb(), parsed(), dev.cutover.sql.Direction.REVERSE).drop();
        } catch (RuntimeException ignored) {
            // the test may have dropped it; the database goes next anyway
        }
        old.close();
        neu.close();
        try {
            Files.deleteIfExists(plan);
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a leftover plan file in /tmp is not worth failing a test over
        }
    }
}
