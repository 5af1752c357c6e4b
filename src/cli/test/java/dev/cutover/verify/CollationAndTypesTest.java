package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.sql.Direction;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chunks mean the same rows when the two databases sort text differently, and values whose text
 * forms differ between the from projection and the to column (numeric scale, timestamp vs
 * timestamptz, json vs jsonb, enums, blank-padded char) compare by meaning.
 */
@NeedsServers
class CollationAndTypesTest {

    @Test
    void textKeysUnderIcuOnOneSideAndCOnTheOther() {
        try (Pair p = new Pair("coll", "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
                "TEMPLATE template0 LOCALE 'C.UTF-8'")) {
            String ddl = "CREATE TABLE words (w text PRIMARY KEY, n int);";
            // mixed case, punctuation and accents: ICU and C put these in very different orders
            String rows = "INSERT INTO words SELECT x || g, g FROM generate_series(1, 40) g, "
                    + "unnest(ARRAY['a', 'B', 'b', '_x', 'Z', 'é', 'e', 'a b', 'a-b', 'ab']) x;";
            p.old.exec(ddl + rows);
            p.neu.exec(ddl + rows);
            p.plan(Pair.identityPlan("coll", "words", List.of("w"), List.of("w", "n")));
            VerifyOptions small = VerifyOptions.defaults(Direction.FORWARD).withChunkRows(13).withLeafRows(2);
            VerifyReport same = p.verify(small);
            assertThat(same.identical()).isTrue();
            assertThat(same.rowsCompared()).isEqualTo(400);

            p.neu.exec("DELETE FROM words WHERE w IN ('é7', 'Z40'); INSERT INTO words VALUES ('É1', 0), ('a c', 0);"
                    + "UPDATE words SET n = -1 WHERE w = '_x3'");
            assertThat(p.verify(small).firstDifferences()).extracting(d -> d.kind().wireName() + " " + d.key())
                    .containsExactlyInAnyOrder("missing_in_target {\"w\":\"é7\"}", "missing_in_target {\"w\":\"Z40\"}",
                            "extra_in_target {\"w\":\"É1\"}", "extra_in_target {\"w\":\"a c\"}", "different {\"w\":\"_x3\"}");
        }
    }

    @Test
    void typeChangesCompareByMeaning() {
        try (Pair p = new Pair("types")) {
            p.old.exec("ALTER DATABASE " + p.old.name() + " SET timezone TO 'Asia/Tokyo';"
                    + "CREATE TABLE acct (id int PRIMARY KEY, amount numeric, seen timestamp, opened timestamptz, doc json,"
                    + " tags jsonb, state text, code char(3), label varchar(40));"
                    + "INSERT INTO acct VALUES (1, 1.5, '2024-01-01 10:00', '2024-01-01 10:00+09', '{\"b\": 1,  \"a\": [1, 2]}',"
                    + " '{\"x\": 1}', 'open', 'ab', 'plain'),"
                    + " (2, 2, '2024-06-30 23:59:59.5', '2024-06-30 00:00+00', '[]', '{\"y\": null}', 'closed', 'abc', 'x y '),"
                    + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
            p.neu.exec("CREATE TYPE acct_state AS ENUM ('open', 'closed');"
                    + "CREATE TABLE acct (id bigint PRIMARY KEY, amount numeric(12,2), seen timestamptz, opened timestamptz,"
                    + " doc jsonb, tags json, state acct_state, code char(5), label text);"
                    // what a backfill writes, with other spellings: scale 2, instants in another zone, json re-spaced
                    + "INSERT INTO acct VALUES (1, 1.50, '2024-01-01 11:00+01', '2024-01-01 01:00+00', '{\"a\": [1,2], \"b\": 1}',"
                    + " '{\"x\":1}', 'open', 'ab', 'plain'),"
                    + " (2, 2.00, '2024-06-30 23:59:59.5+00', '2024-06-30 02:00+02', '[]', '{ \"y\" : null }', 'closed', 'abc  ', 'x y '),"
                    + " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
            p.plan(Pair.identityPlan("types", "acct", List.of("id"),
                    List.of("id", "amount", "seen", "opened", "doc", "tags", "state", "code", "label")));
            VerifyReport r = p.verify(Direction.FORWARD);
            assertThat(r.firstDifferences()).isEmpty();

            // repair writes what the mapping means: blank-padded char keeps every letter, jsonb/json, enum from text
            p.neu.exec("UPDATE acct SET code = 'zz', doc = '{}', state = 'open', seen = NULL WHERE id = 2");
            Repairer.Result fixed = new Repairer(p.parsed(), p.oldDb(), p.newDb(), VerifyOptions.defaults(Direction.FORWARD),
                    VerifyListener.NONE).repair();
            assertThat(fixed.upserted()).isEqualTo(1);
            assertThat(p.verify(Direction.FORWARD).firstDifferences()).isEmpty();

            p.neu.exec("UPDATE acct SET amount = 1.51, opened = opened + interval '1 microsecond', tags = '{\"x\": 2}',"
                    + " state = 'closed', code = 'ab ', label = 'plain ' WHERE id = 1;"
                    + "UPDATE acct SET doc = 'null' WHERE id = 3");
            assertThat(p.verify(Direction.FORWARD).firstDifferences()).extracting(d -> d.key() + " " + d.columns())
                    .containsExactlyInAnyOrder("{\"id\":1} [amount, opened, tags, state, label]", "{\"id\":3} [doc]");
        }
    }
}
