package dev.cutover.sync;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.SqlPreview;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Re-sync by key, both directions, with a composite text key, quoted names and NULL vs ''. */
@NeedsServers
class RowSyncTest {
    TestDb oldDb;
    TestDb newDb;
    MappingSql sql;

    static final String PLAN = """
            {"version": 1, "name": "sync", "tables": [
              {"source": {"schema": "public", "table": "Line Item"}, "target": {"schema": "public", "table": "line"},
               "key": ["Order Code", "n"],
               "columns": [{"target": "order_code", "expr": "\\"Order Code\\""}, {"target": "n", "expr": "n"},
                           {"target": "label", "expr": "upper(\\"Label\\")"},
                           {"target": "price_cents", "expr": "round(price * 100)::bigint"}],
               "reverse": [{"target": "Label", "expr": "lower(label)"}, {"target": "price", "expr": "price_cents / 100.0"}]}
            ]}
            """;

    @BeforeEach
    void setUp() throws Exception {
        oldDb = TestDb.create("sync_old").exec("""
                CREATE TABLE "Line Item" ("Order Code" text, n int, "Label" text, price numeric(10,2), PRIMARY KEY ("Order Code", n));
                INSERT INTO "Line Item" VALUES ('a|b', 1, 'x', 1.50), ('a', 2, '', 2.00), ('B', 1, NULL, 3.25), ('z''q', 7, 'y', 0.01);
                """);
        newDb = TestDb.create("sync_new", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'").exec("""
                CREATE TABLE line (order_code text, n int, label text, price_cents bigint, PRIMARY KEY (order_code, n));
                INSERT INTO line VALUES ('stale', 1, 'OLD', 1), ('a', 2, 'WRONG', 1);
                """);
        Plan plan = PlanFile.parse(PLAN, "sync.json");
        TableMapping m = plan.tables().get(0);
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            Schema so = SchemaReader.read(o);
            Schema sn = SchemaReader.read(n);
            sql = new MappingSql(m, so.table(m.source()).orElseThrow(), sn.table(m.target()).orElseThrow());
        }
    }

    @AfterEach
    void tearDown() {
        oldDb.close();
        newDb.close();
    }

    static List<String> rows(TestDb db, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    b.append(i > 1 ? "," : "").append(rs.getString(i) == null ? "NULL" : "[" + rs.getString(i) + "]");
                }
                out.add(b.toString());
            }
        }
        return out;
    }

    @Test
    void forwardUpsertsAndDeletesByKey() throws Exception {
        RowSync sync = new RowSync(sql.forward());
        List<List<String>> keys = List.of(List.of("a|b", "1"), List.of("a", "2"), List.of("B", "1"), List.of("z'q", "7"),
                List.of("stale", "1"));
        try (Connection o = new Db("old database", oldDb.url()).connect(); Connection n = new Db("new database", newDb.url()).connect()) {
            RowSync.Result r = sync.sync(o, n, keys);
            assertThat(r).isEqualTo(new RowSync.Result(4, 1));
            // idempotent: again changes nothing
            assertThat(sync.sync(o, n, keys)).isEqualTo(new RowSync.Result(4, 0));
        }
        assertThat(rows(newDb, "SELECT * FROM line ORDER BY order_code COLLATE \"C\", n")).containsExactly(
                "[B],[1],NULL,[325]", "[a],[2],[],[200]", "[a|b],[1],[X],[150]", "[z'q],[7],[Y],[1]");
    }

    @Test
    void reverseWritesTheOldSideBack() throws Exception {
        newDb.exec("INSERT INTO line VALUES ('new', 3, 'HELLO', 4200)");
        RowSync back = new RowSync(sql.reverse());
        try (Connection o = new Db("old database", oldDb.url()).connect(); Connection n = new Db("new database", newDb.url()).connect()) {
            RowSync.Result r = back.sync(n, o, List.of(List.of("new", "3"), List.of("B", "1")));
            assertThat(r).isEqualTo(new RowSync.Result(1, 1));
        }
        assertThat(rows(oldDb, "SELECT * FROM \"Line Item\" WHERE \"Order Code\" IN ('new', 'B')"))
                .containsExactly("[new],[3],[hello],[42.00]");
    }

    @Test
    void localSettingsApplyToEachTransactionAndDoNotLeakIntoTheSession() throws Exception {
        List<List<String>> keys = List.of(List.of("a", "2"));
        try (Connection o = oldDb.connect(); Connection n = newDb.connect()) {
            o.createStatement().execute("SET TimeZone = 'Asia/Tokyo'");
            n.createStatement().execute("SET TimeZone = 'Asia/Tokyo'");
            // applied: a read-only transaction refuses the FOR SHARE read, and nothing is written
            assertThatThrownBy(() -> new RowSync(sql.forward(), "SET LOCAL transaction_read_only = on").sync(o, n, keys))
                    .isInstanceOf(DbException.class).hasMessageContaining("read-only");
            assertThat(rows(newDb, "SELECT label FROM line WHERE order_code = 'a'")).containsExactly("[WRONG]");
            // local: the connections keep their own session settings afterwards
            assertThat(new RowSync(sql.forward(), "SET LOCAL TimeZone = 'UTC'").sync(o, n, keys)).isEqualTo(new RowSync.Result(1, 0));
            for (Connection c : List.of(o, n)) {
                try (ResultSet rs = c.createStatement().executeQuery("SHOW TimeZone")) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("Asia/Tokyo");
                }
                assertThat(c.getAutoCommit()).isTrue();
            }
        }
        assertThat(rows(newDb, "SELECT label FROM line WHERE order_code = 'a'")).containsExactly("[]");
    }

    @Test
    void previewShowsTheStatementsTheEngineRuns() {
        String text = SqlPreview.text(sql);
        assertThat(text).contains("FROM \"public\".\"Line Item\" AS src")
                .contains("(upper(\"Label\"))::text AS \"label\"")
                .contains("ON CONFLICT (\"order_code\", \"n\") DO UPDATE SET")
                .contains("\"Order Code\" COLLATE \"C\"")
                .contains("(lower(label))::text AS \"Label\"");
    }

    /**
     * Statements are made for a power of two of keys (RowSync pads a batch with its last key): every
     * key count, under, at and over the sizes and the 500-key batch, on one pair of connections
     * (so pgjdbc's statement cache turns them into server-side prepared statements after a few
     * uses), reads, upserts and deletes exactly the keys given.
     */
    @Test
    void everyKeyCountReSyncsExactlyItsKeys() throws Exception {
        oldDb.exec("INSERT INTO \"Line Item\" SELECT 'k', i, 'l' || i, i / 100.0 FROM generate_series(1, 900) i");
        newDb.exec("INSERT INTO line SELECT 'k', i, 'WRONG', -1 FROM generate_series(1, 900, 3) i;"
                + " INSERT INTO line SELECT 'gone', i, 'OLD', 1 FROM generate_series(1, 900) i");
        RowSync sync = new RowSync(sql.forward());
        java.util.Set<Integer> present = new java.util.HashSet<>();
        java.util.Set<Integer> gone = new java.util.HashSet<>();
        int next = 0;
        try (Connection o = new Db("old database", oldDb.url()).connect(); Connection n = new Db("new database", newDb.url()).connect()) {
            for (int round = 0; round < 2; round++) {
                for (int count : new int[] {1, 2, 3, 4, 5, 7, 9, 17, 31, 64, 65, 129, 255, 257, 499, 500, 501, 777}) {
                    List<List<String>> keys = new ArrayList<>();
                    int reads = 0;
                    int deletes = 0;
                    for (int i = 0; i < count; i++, next++) {
                        int k = next % 900 + 1;
                        if (i % 2 == 0) {
                            keys.add(List.of("k", Integer.toString(k)));
                            present.add(k);
                            reads++;
                        } else {
                            keys.add(List.of("gone", Integer.toString(k)));
                            deletes += gone.add(k) ? 1 : 0;
                        }
                    }
                    assertThat(sync.sync(o, n, keys)).as("%d keys", count).isEqualTo(new RowSync.Result(reads, deletes));
                }
            }
        }
        assertThat(rows(newDb, "SELECT count(*) FROM line WHERE order_code = 'k' AND label = upper('l' || n) AND price_cents = n"))
                .containsExactly("[" + present.size() + "]");
        assertThat(rows(newDb, "SELECT count(*) FROM line WHERE order_code = 'k' AND label = 'WRONG'"))
                .containsExactly("[" + java.util.stream.IntStream.rangeClosed(1, 900).filter(k -> k % 3 == 1 && !present.contains(k)).count() + "]");
        assertThat(rows(newDb, "SELECT count(*) FROM line WHERE order_code = 'gone'")).containsExactly("[" + (900 - gone.size()) + "]");
    }
}
