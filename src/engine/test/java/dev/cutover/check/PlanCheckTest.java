package dev.cutover.check;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every problem class of the plan check, found in real databases built for it. Table and column
 * names use capitals, spaces and reserved words on purpose.
 */
@NeedsServers
class PlanCheckTest {
    static TestDb oldDb;
    static TestDb newDb;

    @BeforeAll
    static void schemas() {
        oldDb = TestDb.create("check_old").exec("""
                CREATE TABLE "user" (id bigint PRIMARY KEY, "Full Name" text NOT NULL, email text, company_id int,
                                     legacy_flags int, secret text);
                CREATE TABLE "order" ("Order Id" bigint PRIMARY KEY, user_id bigint, metadata jsonb,
                                      total_amount float8, note text, code text);
                CREATE TABLE nokey (k int, v text);
                CREATE VIEW "User View" AS SELECT id FROM "user";
                INSERT INTO "user" SELECT g, CASE WHEN g % 100 = 0 THEN 'Alexander Great' ELSE 'Ann B' END,
                                          'u' || g || '@x.io', g % 7, 0, 's' FROM generate_series(1, 2500) g;
                INSERT INTO "order" SELECT g, g % 2500 + 1,
                       jsonb_build_object('priority', CASE WHEN g % 400 = 0 THEN 'gold' ELSE (g % 3)::text END)
                         || CASE WHEN g % 1000 = 0 THEN '{"gift": true}'::jsonb ELSE '{}'::jsonb END,
                       CASE WHEN g % 250 = 0 THEN 10.005 ELSE 19.99 END,
                       CASE WHEN g % 300 = 0 THEN NULL ELSE 'n' END, 'c'
                FROM generate_series(1, 3000) g;
                INSERT INTO nokey VALUES (1, 'a'), (2, 'b'), (2, 'c'), (3, 'd');
                """);
        newDb = TestDb.create("check_new").exec("""
                CREATE TABLE "user" (id bigint PRIMARY KEY, tenant_id int NOT NULL, first_name varchar(5) NOT NULL,
                                     email text, created_at timestamptz DEFAULT now(), must_have text NOT NULL,
                                     upper_email text GENERATED ALWAYS AS (upper(email)) STORED);
                CREATE TABLE "order" ("Order Id" bigint PRIMARY KEY, user_id bigint REFERENCES "user"(id), priority int,
                                      total_cents bigint, note text NOT NULL);
                CREATE TABLE nokey (k int, v text);
                """);
    }

    @AfterAll
    static void drop() {
        oldDb.close();
        newDb.close();
    }

    static CheckReport check(String planJson) {
        Plan plan = PlanFile.parse(planJson, "test-plan.json");
        return new PlanChecker(new Db("old database", oldDb.url()), new Db("new database", newDb.url()))
                .chunkRows(700).check(plan);
    }

    static Map<String, List<Finding>> byKind(CheckReport r) {
        return r.findings().stream().collect(Collectors.groupingBy(Finding::kind));
    }

    static final String DRY_RUN_PLAN = """
            {"version": 1, "name": "dry", "tables": [
              {"source": {"schema": "public", "table": "order"}, "target": {"schema": "public", "table": "order"},
               "key": ["Order Id"],
               "columns": [
                 {"target": "Order Id", "expr": "\\"Order Id\\""},
                 {"target": "user_id", "expr": "user_id"},
                 {"target": "priority", "expr": "(metadata->>'priority')::int"},
                 {"target": "total_cents", "expr": "total_amount * 100"},
                 {"target": "note", "expr": "note"}],
               "reverse": [
                 {"target": "metadata", "expr": "jsonb_build_object('priority', priority::text)"},
                 {"target": "total_amount", "expr": "total_cents / 100.0"}]},
              {"source": {"schema": "public", "table": "user"}, "target": {"schema": "public", "table": "user"},
               "key": ["id"],
               "columns": [
                 {"target": "id", "expr": "id"},
                 {"target": "tenant_id", "expr": "company_id"},
                 {"target": "first_name", "expr": "split_part(\\"Full Name\\", ' ', 1)"},
                 {"target": "email", "expr": "email"}],
               "dropped": ["legacy_flags", "ghost"]},
              {"source": {"schema": "public", "table": "nokey"}, "target": {"schema": "public", "table": "nokey"},
               "key": ["k"], "columns": [{"target": "k", "expr": "k"}, {"target": "v", "expr": "v"}], "dropped": []}
            ]}
            """;

    @Test
    void dryRunFindsBadRowsByKey() {
        CheckReport r = check(DRY_RUN_PLAN);
        var kinds = byKind(r);
        assertThat(r.clean()).isFalse();

        Finding fails = kinds.get("transform_fails").get(0);
        assertThat(fails.column()).isEqualTo("priority");
        assertThat(fails.rows()).isEqualTo(7);
        assertThat(fails.keys()).startsWith("{\"Order Id\":400}", "{\"Order Id\":800}");
        assertThat(fails.message()).contains("invalid input syntax for type integer").doesNotContain("gold");

        Finding nulls = kinds.get("null_into_not_null").get(0);
        assertThat(nulls.column()).isEqualTo("note");
        
        assertThat(nulls.rows()).isEqualTo(8); // 10 NULL notes (every 300th) less 1200 and 2400, whose priority fails (counted there)

        Finding rounded = kinds.get("rounded").get(0);
        assertThat(rounded.column()).isEqualTo("total_cents");
        assertThat(rounded.rows()).isEqualTo(11); // 12 amounts of 10.005 (every 250th) less 2000, whose priority fails

        assertThat(kinds.get("lossy_round_trip")).extracting(Finding::column)
                .containsExactlyInAnyOrder("metadata", "total_amount");
        Finding lossyMeta = kinds.get("lossy_round_trip").stream().filter(f -> f.column().equals("metadata")).findFirst().orElseThrow();
        assertThat(lossyMeta.keys()).contains("{\"Order Id\":1000}");

        Finding tooLong = kinds.get("too_long").get(0);
        assertThat(tooLong.column()).isEqualTo("first_name");
        assertThat(tooLong.rows()).isEqualTo(25);
        assertThat(tooLong.keys().get(0)).isEqualTo("{\"id\":100}");

        assertThat(kinds.get("duplicate_key").get(0).keys()).containsExactly("{\"k\":2}");
        assertThat(kinds.get("target_key_not_unique")).hasSize(1);
        assertThat(kinds.get("unmapped_source_column")).extracting(Finding::column)
                .containsExactlyInAnyOrder("code", "secret");
        assertThat(kinds.get("unknown_dropped_column")).extracting(Finding::column).containsExactly("ghost");
        assertThat(kinds.get("not_null_without_source")).extracting(Finding::column).containsExactly("must_have");
        assertThat(kinds.get("takes_default")).extracting(Finding::column).contains("created_at");
        assertThat(kinds.get("load_order")).hasSize(1);
        assertThat(kinds.get("dependent_views").get(0).message()).contains("public.User View");
        assertThat(kinds.get("no_reverse")).hasSize(2);
        // the source key of nokey has no constraint: said, and its duplicates found by the dry run
        assertThat(kinds.get("key_not_constrained")).hasSize(1);
        assertThat(r.tables()).allMatch(CheckReport.TableReport::dryRunDone);
        assertThat(r.tables().get(0).rowsChecked()).isEqualTo(3000);
        assertThat(r.tables().get(1).rowsChecked()).isEqualTo(2500);
    }

    @Test
    void staticProblemsNeedNoRows() {
        String plan = """
                {"version": 1, "name": "static", "tables": [
                  {"source": {"schema": "public", "table": "ordr"}, "target": {"schema": "public", "table": "nokey"},
                   "key": ["id"], "columns": [{"target": "id", "expr": "id"}]},
                  {"source": {"schema": "public", "table": "user"}, "target": {"schema": "public", "table": "user"},
                   "key": ["id"],
                   "columns": [
                     {"target": "id", "expr": "id"},
                     {"target": "nosuch", "expr": "email"},
                     {"target": "upper_email", "expr": "email"}]},
                  {"source": {"schema": "public", "table": "order"}, "target": {"schema": "public", "table": "order"},
                   "key": ["Order Id"],
                   "columns": [
                     {"target": "Order Id", "expr": "\\"Order Id\\""},
                     {"target": "note", "expr": "nte || 'x'"},
                     {"target": "priority", "expr": "now()"}],
                   "reverse": [{"target": "nowhere", "expr": "note"}]}
                ]}
                """;
        CheckReport r = check(plan);
        var kinds = byKind(r);
        assertThat(kinds.get("missing_table").get(0).message())
                .isEqualTo("source table public.ordr does not exist in the old database (did you mean public.order?)");
        assertThat(kinds.get("unknown_column")).extracting(Finding::column).contains("nosuch", "nowhere");
        assertThat(kinds.get("generated_column")).extracting(Finding::column).containsExactly("upper_email");
        Finding bad = kinds.get("bad_expression").get(0);
        assertThat(bad.message()).contains("column \"nte\" does not exist").contains("at character 1 of the expression");
        Finding type = kinds.get("type_mismatch").get(0);
        assertThat(type.column()).isEqualTo("priority");
        assertThat(type.message()).contains("cannot cast type timestamp with time zone to integer");
        assertThat(r.tables()).noneMatch(CheckReport.TableReport::dryRunDone);
    }

    @Test
    void cleanPlanIsClean() {
        String plan = """
                {"version": 1, "name": "clean", "tables": [
                  {"source": {"schema": "public", "table": "order"}, "target": {"schema": "public", "table": "order"},
                   "key": ["Order Id"],
                   "columns": [
                     {"target": "Order Id", "expr": "\\"Order Id\\""},
                     {"target": "user_id", "expr": "user_id"},
                     {"target": "priority", "expr": "CASE WHEN metadata->>'priority' ~ '^[0-9]+$' THEN (metadata->>'priority')::int END"},
                     {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"},
                     {"target": "note", "expr": "coalesce(note, '')"}],
                   "dropped": ["metadata", "total_amount", "code"]}
                ]}
                """;
        CheckReport r = check(plan);
        assertThat(r.findings()).allMatch(f -> f.severity() == Severity.NOTE, "only notes");
        assertThat(r.clean()).isTrue();
        assertThat(ReportFormat.human(r)).contains("clean: 0 problems, 0 warnings");
        assertThat(ReportFormat.json(r)).contains("\"clean\" : true");
    }
}
