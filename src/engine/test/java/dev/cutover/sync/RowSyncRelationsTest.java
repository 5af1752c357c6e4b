package dev.cutover.sync;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static dev.cutover.sync.RowSyncTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Re-syncs across foreign keys of the written side, like the sample's orders → users (a composite
 * key (tenant_id, user_id) referencing users (tenant_id, id) whose plan key is id alone): a row whose
 * parent has not arrived brings the parent along from the truth; a deleted key whose children are
 * still there has them re-synced first. The old side has no foreign keys (a legacy schema).
 */
@NeedsServers
class RowSyncRelationsTest {
    static final String PLAN = """
            {"version": 1, "name": "rel", "tables": [
              {"source": {"schema": "public", "table": "users"}, "target": {"schema": "public", "table": "users"},
               "key": ["id"],
               "columns": [{"target": "id", "expr": "id"}, {"target": "tenant_id", "expr": "company_id"},
                           {"target": "name", "expr": "name"}],
               "reverse": [{"target": "company_id", "expr": "tenant_id"}]},
              {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
               "key": ["id"],
               "columns": [{"target": "id", "expr": "id"}, {"target": "tenant_id", "expr": "company_id"},
                           {"target": "user_id", "expr": "user_id"}],
               "reverse": [{"target": "company_id", "expr": "tenant_id"}]}
            ]}
            """;

    TestDb oldDb;
    TestDb newDb;
    Plan plan;

    @BeforeEach
    void setUp() {
        oldDb = TestDb.create("rel_old").exec("""
                CREATE TABLE users (id bigint PRIMARY KEY, company_id int NOT NULL, name text);
                CREATE TABLE orders (id bigint PRIMARY KEY, company_id int NOT NULL, user_id bigint NOT NULL);
                INSERT INTO users VALUES (1, 7, 'Ann'), (3, 7, 'Cy');
                INSERT INTO orders VALUES (10, 7, 1), (11, 7, 1), (30, 7, 3);
                """);
        newDb = TestDb.create("rel_new").exec("""
                CREATE TABLE users (id bigint PRIMARY KEY, tenant_id int NOT NULL, name text, UNIQUE (tenant_id, id));
                CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id int NOT NULL, user_id bigint NOT NULL,
                  CONSTRAINT orders_user FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id));
                INSERT INTO users VALUES (2, 7, 'Bo');
                INSERT INTO orders VALUES (20, 7, 2), (21, 7, 2);
                """);
        plan = PlanFile.parse(PLAN, "rel.json");
    }

    @AfterEach
    void tearDown() {
        oldDb.close();
        newDb.close();
    }

    private Relations relations(Direction d) throws Exception {
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            return new PlanRelations(plan, SchemaReader.read(o), SchemaReader.read(n), d);
        }
    }

    private static Flow flow(Relations r, String table) {
        return r.flowInto(new TableRef("public", table)).orElseThrow();
    }

    @Test
    void anOrderWhoseUserHasNotArrivedBringsTheUserAlong() throws Exception {
        Relations r = relations(Direction.FORWARD);
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            assertThatThrownBy(() -> new RowSync(flow(r, "orders")).sync(o, n, List.of(List.of("10"), List.of("11"))))
                    .isInstanceOf(DbException.class).hasMessageContaining("orders_user");
            RowSync.Result res = new RowSync(flow(r, "orders"), null, r).sync(o, n, List.of(List.of("10"), List.of("11")));
            assertThat(res.upserted()).isEqualTo(2);
        }
        assertThat(rows(newDb, "SELECT id, tenant_id, name FROM users ORDER BY id"))
                .containsExactly("[1],[7],[Ann]", "[2],[7],[Bo]");
        assertThat(rows(newDb, "SELECT id, user_id FROM orders ORDER BY id"))
                .containsExactly("[10],[1]", "[11],[1]", "[20],[2]", "[21],[2]");
    }

    @Test
    void aUserGoneFromTheTruthHasItsRemainingOrdersResyncedFirst() throws Exception {
        Relations r = relations(Direction.FORWARD);
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            RowSync.Result res = new RowSync(flow(r, "users"), null, r).sync(o, n, List.of(List.of("2"), List.of("3")));
            assertThat(res).isEqualTo(new RowSync.Result(1, 1));
        }
        assertThat(rows(newDb, "SELECT id, name FROM users ORDER BY id")).containsExactly("[3],[Cy]");
        assertThat(rows(newDb, "SELECT id FROM orders ORDER BY id")).isEmpty();
    }

    @Test
    void withoutTheParentInTheTruthTheViolationIsReportedWithTheRowKey() throws Exception {
        oldDb.exec("INSERT INTO orders VALUES (99, 7, 404)"); // an orphan: the legacy schema never checked
        Relations r = relations(Direction.FORWARD);
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            assertThatThrownBy(() -> new RowSync(flow(r, "orders"), null, r).sync(o, n, List.of(List.of("99"))))
                    .isInstanceOf(DbException.class)
                    .hasMessageContaining("re-sync of public.orders failed at row {\"id\":99}")
                    .hasMessageContaining("orders_user");
        }
        assertThat(rows(newDb, "SELECT id FROM orders WHERE id = 99")).isEmpty();
    }

    @Test
    void relationsKnowTheWrittenSidesKeysInEachDirection() throws Exception {
        Relations fwd = relations(Direction.FORWARD);
        assertThat(fwd.foreignKeysOf(new TableRef("public", "orders"))).extracting(Schema.ForeignKey::name).containsExactly("orders_user");
        assertThat(fwd.referencing(new TableRef("public", "users"))).extracting(x -> x.table().table()).containsExactly("orders");
        Relations rev = relations(Direction.REVERSE);
        assertThat(rev.foreignKeysOf(new TableRef("public", "orders"))).isEmpty(); // the old side has none
        assertThat(flow(rev, "orders").to()).isEqualTo(new TableRef("public", "orders"));
    }
}
