package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A child table whose rows reach the new database before their parents: the new schema has the
 * foreign key, the old one does not enforce it the same way. Seen for real in the full-size
 * end-to-end run: one worker on orders while the other still copied users, and the orders table
 * failed on orders_tenant_id_user_id_fkey.
 */
@NeedsServers
class BackfillForeignKeysTest {
    private static final String PLAN = """
            {"version": 1, "name": "bf-fk", "tables": [
              {"source": {"schema": "public", "table": "users"}, "target": {"schema": "public", "table": "users"},
               "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "name"}], "dropped": []},
              {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
               "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "user_id", "expr": "user_id"},
                 {"target": "cents", "expr": "cents"}], "dropped": []}
            ]}""";

    private TestDb old;
    private TestDb neu;
    private Plan plan;

    @BeforeEach
    void create() {
        old = TestDb.create("bf_fk_old");
        neu = TestDb.create("bf_fk_new");
        old.exec("CREATE TABLE users (id bigint PRIMARY KEY, name text);"
                + "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users, cents bigint);"
                + "INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 500) g;"
                + "INSERT INTO orders SELECT g, 1 + g % 400, g * 10 FROM generate_series(1, 3000) g");
        neu.exec("CREATE TABLE users (id bigint PRIMARY KEY, name text);"
                + "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users, cents bigint)");
        plan = PlanFile.parse(PLAN, "plan.json");
    }

    @AfterEach
    void drop() {
        old.close();
        neu.close();
    }

    @Test
    void ordersCopiedBeforeTheirUsersBringThemAlong() throws Exception {
        // the orders alone: every chunk meets the foreign key, and brings the users it needs
        BackfillReport r = new BackfillEngine(new Db("old database", old.url()), new Db("new database", neu.url()), plan,
                Orders.small().tables(List.of("public.orders"))).run(null);
        assertThat(r.errors()).isEmpty();
        assertThat(r.complete()).isTrue();
        assertThat(rows(neu, "orders")).isEqualTo(rows(old, "orders")).hasSize(3000);
        assertThat(Orders.count(neu, "SELECT sum(written) FROM cutover.work_chunk WHERE table_name = 'public.orders'")).isEqualTo(3000);
        assertThat(rows(neu, "users")).isEqualTo(Orders.rows(old, "SELECT * FROM users WHERE id IN (SELECT user_id FROM orders) ORDER BY id"))
                .hasSize(400); // the referenced ones, as they are in the old database

        // then the users table itself: the ones already there are kept, the rest arrive
        BackfillReport users = new BackfillEngine(new Db("old database", old.url()), new Db("new database", neu.url()), plan,
                Orders.small().tables(List.of("public.users"))).run(null);
        assertThat(users.complete()).isTrue();
        assertThat(rows(neu, "users")).isEqualTo(rows(old, "users")).hasSize(500);
    }

    @Test
    void bothTablesWithTwoWorkersFinishWhateverTheOrder() throws Exception {
        old.exec("INSERT INTO users VALUES (9001, 'late sign-up'); INSERT INTO orders VALUES (9001, 9001, 1)");
        BackfillReport r = new BackfillEngine(new Db("old database", old.url()), new Db("new database", neu.url()), plan,
                Orders.small().workers(2)).run(null);
        assertThat(r.errors()).isEmpty();
        assertThat(r.complete()).isTrue();
        assertThat(rows(neu, "users")).isEqualTo(rows(old, "users"));
        assertThat(rows(neu, "orders")).isEqualTo(rows(old, "orders"));
    }

    @Test
    void aParentMissingInTheOldDatabaseToo() throws Exception {
        old.exec("ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey; INSERT INTO orders VALUES (5000, 777777, 1)");
        BackfillReport r = new BackfillEngine(new Db("old database", old.url()), new Db("new database", neu.url()), plan,
                Orders.small()).run(null);
        assertThat(r.complete()).isFalse();
        assertThat(r.errors()).singleElement().asString().startsWith("public.orders: ").contains("orders_user_id_fkey");
    }

    private static List<String> rows(TestDb db, String table) throws Exception {
        return Orders.rows(db, "SELECT * FROM " + table + " ORDER BY id");
    }
}
