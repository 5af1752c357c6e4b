package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Key types, quoted names, NULL vs '' and a source and target that sort text differently. */
@NeedsServers
class BackfillKeysTest {
    private static final String PLAN = """
            {"version": 1, "name": "bf-keys", "tables": [
             {"source": {"schema": "Legacy Data", "table": "Mixed Case"},
              "target": {"schema": "public", "table": "Mixed Target"},
              "key": ["Code", "N"],
              "columns": [
                {"target": "Code", "expr": "\\"Code\\""},
                {"target": "N", "expr": "\\"N\\""},
                {"target": "note", "expr": "\\"Note Text\\""},
                {"target": "label", "expr": "lower(\\"Label\\")"}
              ]},
             {"source": {"schema": "public", "table": "items"},
              "target": {"schema": "public", "table": "items"},
              "key": ["id"],
              "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "name"}, {"target": "at", "expr": "at"}]},
             {"source": {"schema": "public", "table": "words"},
              "target": {"schema": "public", "table": "words"},
              "key": ["w"],
              "columns": [{"target": "w", "expr": "w"}, {"target": "len", "expr": "length(w)"}]}
            ]}""";

    @Test
    void compositeTextUuidAndCollationSensitiveKeysAreCopiedExactly() throws Exception {
        try (TestDb old = TestDb.create("bf_keys_old", "TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'");
             TestDb neu = TestDb.create("bf_keys_new", "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")) {
            // text values whose order differs between C and ICU en-US: case, accents, punctuation, digits, empty
            List<String> words = new ArrayList<>(List.of("", " ", "a", "A", "b", "B", "_x", "-y", "é", "e", "f", "Z", "z", "10", "9",
                    "a b", "ab", "a-b", "Äpfel", "apfel", "ß", "ss", "😀", "x\ty"));
            for (int i = 0; i < 400; i++) {
                words.add((i % 2 == 0 ? "k" : "K") + (i % 7 == 0 ? "é" : "e") + i);
            }
            StringBuilder values = new StringBuilder();
            for (String w : words) {
                values.append(values.length() == 0 ? "" : ",").append("('").append(w.replace("'", "''")).append("')");
            }
            old.exec("CREATE SCHEMA \"Legacy Data\";"
                    + "CREATE TABLE \"Legacy Data\".\"Mixed Case\" (\"Code\" text, \"N\" int, \"Note Text\" text, \"Label\" text, PRIMARY KEY (\"Code\", \"N\"));"
                    + "INSERT INTO \"Legacy Data\".\"Mixed Case\" SELECT w, n, CASE WHEN n = 1 THEN NULL WHEN n = 2 THEN '' ELSE w || n END, "
                    + "'L' || n FROM (VALUES " + values + ") v(w), generate_series(1, 3) n;"
                    + "CREATE TABLE items (id uuid PRIMARY KEY, name text, at timestamptz);"
                    + "INSERT INTO items SELECT md5(g::text)::uuid, CASE WHEN g % 2 = 0 THEN '' END, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 minute' "
                    + "FROM generate_series(1, 700) g;"
                    + "CREATE TABLE words (w varchar(20) PRIMARY KEY);"
                    + "INSERT INTO words SELECT w FROM (VALUES " + values + ") v(w);");
            neu.exec("CREATE TABLE \"Mixed Target\" (\"Code\" text, \"N\" int, note text, label text, extra text DEFAULT 'd', PRIMARY KEY (\"Code\", \"N\"));"
                    + "CREATE TABLE items (id uuid PRIMARY KEY, name text, at timestamptz);"
                    + "CREATE TABLE words (w varchar(20) PRIMARY KEY, len int);");
            Plan plan = PlanFile.parse(PLAN, "plan.json");
            BackfillOptions opts = Orders.small().work(w -> w.withChunkRows(7, 20, 40)).workers(3);
            BackfillReport r = new BackfillEngine(new Db("old database", old.url()), new Db("new database", neu.url()), plan, opts).run(null);

            assertThat(r.errors()).isEmpty();
            assertThat(r.complete()).isTrue();
            assertThat(Orders.rows(neu, "SELECT \"Code\", \"N\", note, label, extra FROM \"Mixed Target\" ORDER BY \"Code\" COLLATE \"C\", \"N\""))
                    .isEqualTo(Orders.rows(old, "SELECT \"Code\", \"N\", \"Note Text\", lower(\"Label\"), 'd' FROM \"Legacy Data\".\"Mixed Case\" ORDER BY \"Code\" COLLATE \"C\", \"N\""))
                    .hasSize(words.size() * 3);
            // NULL and '' stay apart
            assertThat(Orders.count(neu, "SELECT count(*) FROM \"Mixed Target\" WHERE note IS NULL")).isEqualTo(words.size());
            assertThat(Orders.count(neu, "SELECT count(*) FROM \"Mixed Target\" WHERE note = ''")).isEqualTo(words.size());
            assertThat(Orders.rows(neu, "SELECT id, name, at FROM items ORDER BY id"))
                    .isEqualTo(Orders.rows(old, "SELECT id, name, at FROM items ORDER BY id")).hasSize(700);
            assertThat(Orders.rows(neu, "SELECT w, len FROM words ORDER BY w COLLATE \"C\""))
                    .isEqualTo(Orders.rows(old, "SELECT w, length(w) FROM words ORDER BY w COLLATE \"C\""));
            // the chunks really cut through the collation-sensitive keys
            assertThat(Orders.count(neu, "SELECT count(*) FROM cutover.work_chunk WHERE table_name = 'public.Mixed Target'")).isGreaterThan(20);
        }
    }
}
