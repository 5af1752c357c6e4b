package dev.cutover.backfill;

import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.ChunkSql;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The rendered statements: quoting, literal keys (COPY takes no parameters), collation, staging types. */
class BackfillSqlTest {
    private static final Flow FLOW = new Flow(Direction.FORWARD, new TableRef("Old Schema", "Line \"Items\""), new TableRef("public", "line_items"),
            List.of(new Flow.Projected("Code", "\"Code\"", "text", "text", "text"),
                    new Flow.Projected("n", "\"N\"", "integer", "integer", "integer"),
                    new Flow.Projected("name", "\"Name\"", "character varying", "character varying(20)", "character varying"),
                    new Flow.Projected("status", "lower(status)", "text", "\"Status\"", "\"Status\"")),
            List.of(new Flow.KeyColumn("Code", "Code", "text", "text", true), new Flow.KeyColumn("N", "n", "integer", "integer", false)));

    @Test
    void copyOutWritesTheKeysAsQuotedLiteralsWithTheCCollation() {
        String sql = BackfillSql.copyOut(FLOW, List.of("it's", "3"), List.of("z", "1"));
        assertThat(sql).startsWith("COPY (SELECT\n").endsWith(") TO STDOUT (FORMAT binary)")
                .contains("FROM \"Old Schema\".\"Line \"\"Items\"\"\" AS src")
                .contains("WHERE (src.\"Code\" COLLATE \"C\", src.\"N\") > ('it''s'::text, '3'::integer) AND (src.\"Code\" COLLATE \"C\", src.\"N\") <= ('z'::text, '1'::integer)")
                .contains("ORDER BY \"Code\" COLLATE \"C\", \"N\"");
        assertThat(BackfillSql.copyOut(FLOW, null, List.of("z", "1"))).doesNotContain(" > ");
    }

    @Test
    void stagingHasTheSelectsTypesAndTheInsertNeverOverwrites() {
        assertThat(BackfillSql.createStaging(FLOW, 2)).isEqualTo("CREATE TEMP TABLE IF NOT EXISTS \"cutover_staging_2\" "
                + "(\"Code\" text, \"n\" integer, \"name\" character varying, \"status\" text) ON COMMIT DELETE ROWS");
        assertThat(BackfillSql.insertFromStaging(FLOW, 2)).isEqualTo("INSERT INTO \"public\".\"line_items\" (\"Code\", \"n\", \"name\", \"status\")\n"
                + "SELECT \"Code\", \"n\", \"name\", \"status\"::\"Status\" FROM pg_temp.\"cutover_staging_2\"\n"
                + "ON CONFLICT (\"Code\", \"n\") DO NOTHING");
        // an enum that exists only on the new side travels as text: no binary COPY straight into the target
        assertThat(BackfillSql.canCopyIntoTarget(FLOW)).isFalse();
        assertThat(BackfillSql.canCopyIntoTarget(new Flow(Direction.FORWARD, FLOW.from(), FLOW.to(), FLOW.columns().subList(0, 3), FLOW.key()))).isTrue();
        assertThat(BackfillSql.preview(FLOW)).extracting(s -> s.title() + " @ " + s.runsOn()).contains(
                "Backfill: read one chunk @ old database", "Backfill: insert without overwriting rows already there @ new database",
                "Backfill: checkpoint, in the same transaction @ new database")
                .doesNotContain("Backfill: load the chunk (fast path; any existing key aborts it and the chunk goes through staging) @ new database");
    }

    @Test
    void chunkBoundariesStayInsideTheRunsUpperBound() {
        assertThat(ChunkSql.boundaryWithin(FLOW, true)).isEqualTo("SELECT b.\"__k0\"::text AS \"__k0\", b.\"__k1\"::text AS \"__k1\" "
                + "FROM (SELECT src.\"Code\" AS \"__k0\", src.\"N\" AS \"__k1\" "
                + "FROM \"Old Schema\".\"Line \"\"Items\"\"\" AS src WHERE (src.\"Code\" COLLATE \"C\", src.\"N\") > (?::text, ?::integer) "
                + "AND (src.\"Code\" COLLATE \"C\", src.\"N\") <= (?::text, ?::integer) ORDER BY src.\"Code\" COLLATE \"C\", src.\"N\" OFFSET ? LIMIT 1) AS b");
    }

    @Test
    void keysAreReportedAsJsonWithNumbersAsNumbers() {
        Flow f = new Flow(Direction.FORWARD, FLOW.from(), FLOW.to(), FLOW.columns(),
                List.of(new Flow.KeyColumn("order_id", "order_id", "bigint", "bigint", false),
                        new Flow.KeyColumn("Line", "line", "text", "text", true)));
        assertThat(KeyJson.toNames(f, List.of("5", "a\"b"))).isEqualTo("{\"order_id\":5,\"line\":\"a\\\"b\"}");
        Flow floats = new Flow(Direction.FORWARD, FLOW.from(), FLOW.to(), FLOW.columns(),
                List.of(new Flow.KeyColumn("x", "x", "double precision", "double precision", false),
                        new Flow.KeyColumn("y", "y", "real", "real", false)));
        assertThat(KeyJson.toNames(floats, List.of("1.5", "NaN"))).isEqualTo("{\"x\":1.5,\"y\":\"NaN\"}");
        assertThat(KeyJson.toSide(floats, List.of("-Infinity", "2"))).isEqualTo("{\"x\":\"-Infinity\",\"y\":2}");
        TableMapping m = new TableMapping(new TableRef("public", "a"), new TableRef("public", "b"), List.of("id"),
                List.of(new ColumnMapping("id", "id")), List.of(), List.of());
        assertThat(m.targetKey()).containsExactly("id");
    }
}
