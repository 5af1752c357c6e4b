package dev.cutover.check;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dry run evaluates every transform on every row, also the transforms whose target column has
 * nothing the check counts (no NOT NULL, length, rounding or reverse): PostgreSQL drops unreferenced
 * outputs of a subquery, so a transform nothing looked at was never computed and a failing one was
 * reported clean.
 */
@NeedsServers
class DryRunEveryTransformTest {
    static TestDb oldDb;
    static TestDb newDb;

    @BeforeAll
    static void schemas() {
        oldDb = TestDb.create("every_old").exec("""
                CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb);
                INSERT INTO events SELECT g, jsonb_build_object('level', CASE WHEN g % 100 = 0 THEN 'high' ELSE (g % 5)::text END)
                FROM generate_series(1, 1000) g;
                CREATE TABLE src (id int PRIMARY KEY, v text);
                INSERT INTO src VALUES (1, '1'), (2, 'word'), (3, '3');
                CREATE TABLE allbad (id bigint PRIMARY KEY, payload jsonb);
                INSERT INTO allbad SELECT g, '{"level": "high"}' FROM generate_series(1, 3000) g;
                """);
        newDb = TestDb.create("every_new").exec("""
                CREATE TABLE events (id bigint PRIMARY KEY, level integer);
                CREATE TABLE allbad (id bigint PRIMARY KEY, level integer);
                CREATE TYPE mood AS ENUM ('happy', 'sad');
                CREATE DOMAIN positive AS integer CHECK (VALUE > 0);
                """);
    }

    @AfterAll
    static void drop() {
        oldDb.close();
        newDb.close();
    }

    static CheckReport check(String planJson) {
        return new PlanChecker(new Db("old database", oldDb.url()), new Db("new database", newDb.url()))
                .chunkRows(300).check(PlanFile.parse(planJson, "every.json"));
    }

    @Test
    void aFailingCastIntoANullableIntegerIsFoundByKey() {
        CheckReport r = check("""
                {"version": 1, "name": "every", "tables": [
                  {"source": {"schema": "public", "table": "events"}, "target": {"schema": "public", "table": "events"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"},
                                              {"target": "level", "expr": "(payload->>'level')::int"}],
                   "dropped": []}]}
                """);
        List<Finding> fails = r.findings().stream().filter(f -> f.kind().equals("transform_fails")).toList();
        assertThat(fails).hasSize(1);
        assertThat(fails.get(0).column()).isEqualTo("level");
        assertThat(fails.get(0).rows()).isEqualTo(10);
        assertThat(fails.get(0).keys()).startsWith("{\"id\":100}", "{\"id\":200}");
        assertThat(fails.get(0).message()).contains("invalid input syntax for type integer (SQLSTATE 22P02").doesNotContain("high");
        assertThat(r.tables().get(0).rowsChecked()).isEqualTo(1000);
    }

    /**
     * A transform failing on every row is counted row by row up to a limit, then only the key
     * ranges it fails in are noted: the check stays a few statements per chunk, not two per row.
     */
    @Test
    void aTransformFailingOnEveryRowStopsCountingRowByRow() {
        CheckReport r = check("""
                {"version": 1, "name": "every", "tables": [
                  {"source": {"schema": "public", "table": "allbad"}, "target": {"schema": "public", "table": "allbad"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"},
                                              {"target": "level", "expr": "(payload->>'level')::int"}],
                   "dropped": []}]}
                """);
        Finding fails = r.findings().stream().filter(f -> f.kind().equals("transform_fails")).findFirst().orElseThrow();
        assertThat(fails.rows()).isBetween((long) DryRun.ROW_BY_ROW_LIMIT, 3000L - 1);
        assertThat(fails.message()).startsWith("at least " + fails.rows() + " rows fail the transform")
                .contains("counting stopped after " + DryRun.ROW_BY_ROW_LIMIT + " failing rows")
                .contains("invalid input syntax for type integer (SQLSTATE 22P02").doesNotContain("high");
        assertThat(fails.keys()).startsWith("{\"id\":1}", "{\"id\":2}");
        assertThat(r.tables().get(0).rowsChecked()).isEqualTo(3000);
    }

    /**
     * One target column per type; the transform gives a valid value on rows 1 and 3 and fails on
     * row 2 (its text is not a number), whatever the type.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "smallint|7", "integer|7", "bigint|7", "numeric(10,2)|1.25", "real|1.5", "double precision|1.5",
            "boolean|true", "text|a", "varchar(10)|a", "char(3)|a", "date|2024-02-29", "timestamp|2024-02-29 12:00:00",
            "timestamptz|2024-02-29 12:00:00+00", "time|12:00:00", "interval|1 day", "uuid|a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "json|{}", "jsonb|{}", "bytea|\\x00ff", "inet|10.0.0.1", "integer[]|{1,2}", "text[]|{a,b}", "mood|happy",
            "positive|5"})
    void aFailingTransformIntoEveryTypeIsFoundByKey(String type, String literal) {
        String table = "t_" + type.replaceAll("[^a-z]", "_");
        newDb.exec("CREATE TABLE IF NOT EXISTS " + table + " (id int PRIMARY KEY, c " + type + ")");
        String expr = "CASE WHEN id = 2 THEN (v::int)::text ELSE '" + literal + "' END";
        CheckReport r = check("""
                {"version": 1, "name": "every", "tables": [
                  {"source": {"schema": "public", "table": "src"}, "target": {"schema": "public", "table": "%s"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "c", "expr": "%s"}],
                   "dropped": ["v"]}]}
                """.formatted(table, expr.replace("\\", "\\\\").replace("\"", "\\\"")));
        List<Finding> fails = r.findings().stream().filter(f -> f.kind().equals("transform_fails")).toList();
        assertThat(fails).as("findings: %s", r.findings()).hasSize(1);
        assertThat(fails.get(0).column()).isEqualTo("c");
        assertThat(fails.get(0).keys()).containsExactly("{\"id\":2}");
        assertThat(fails.get(0).message()).contains("invalid input syntax for type integer (SQLSTATE 22P02").doesNotContain("word");
        assertThat(r.count(Severity.PROBLEM)).isEqualTo(1);
    }
}
