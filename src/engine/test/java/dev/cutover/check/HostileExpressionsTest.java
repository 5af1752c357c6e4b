package dev.cutover.check;

import dev.cutover.testing.NeedsServers;
import dev.cutover.backfill.BackfillEngine;
import dev.cutover.backfill.BackfillOptions;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.MappingSql;
import dev.cutover.testing.TestDb;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.Verifier;
import dev.cutover.verify.VerifyListener;
import dev.cutover.verify.VerifyOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A corpus of hostile expressions, each given to every place that evaluates an expression: the
 * plan reader, the plan check (forward and reverse), the console's live check, the dry run,
 * backfill and verify. Each refuses it with a clear line and the canary table in both databases is
 * untouched. The first entry is the one that made the plan check drop a table: it closed a block
 * comment at the first {@code *}{@code /}, while PostgreSQL nests them.
 */
@NeedsServers
@Timeout(120)
class HostileExpressionsTest {
    static TestDb oldDb;
    static TestDb newDb;
    static final TableRef T = new TableRef("public", "t");

    static Stream<String> corpus() {
        return Stream.of(
                "1 /* /* */ '*/ ) AS v; COMMIT; DROP TABLE public.canary; --'",
                "1 /* /* */ '*/ ) AS v FROM t; DROP TABLE public.canary; --'",
                "$a$ $b$ $a$ || 1) AS v; COMMIT; DROP TABLE public.canary; --",
                "$a$ $A$ ) AS v; COMMIT; DROP TABLE public.canary; --",
                "$$ $$ || $t$ ) $t$) AS v; COMMIT; DROP TABLE public.canary; --",
                "'\\'; COMMIT; DROP TABLE public.canary; --'",
                "'it''s' ) AS v; COMMIT; DROP TABLE public.canary; --",
                "E'\\\\' ) AS v; COMMIT; DROP TABLE public.canary; --'",
                "E'a'\n'\\' ; DROP TABLE public.canary; --'",
                "U&'\\0027' ) AS v; DROP TABLE public.canary; --'",
                "U&\"a\" ) ; DROP TABLE public.canary; --\"",
                "1) AS v; SET ROLE postgres; DROP TABLE public.canary; --",
                "(SELECT 1); DO $$BEGIN DROP TABLE public.canary; END$$",
                "1; COMMIT; DROP TABLE public.canary",
                "1; ROLLBACK; DROP TABLE public.canary",
                "1 \\; DROP TABLE public.canary",
                "1 -- ) AS v; DROP TABLE public.canary",
                "1$$ ) ; DROP TABLE public.canary; $$",
                "/* */ */ ; DROP TABLE public.canary",
                "set_config('default_transaction_read_only', 'off', false)",
                "set_config('transaction_read_only', 'off', true) || v",
                "dblink_exec('dbname=" + "x" + "', 'DROP TABLE public.canary')",
                "pg_catalog.pg_read_file('/etc/passwd')",
                "lo_import('/etc/passwd')::text",
                "\"pg_sleep\"(30)::text");
    }

    @BeforeAll
    static void databases() {
        oldDb = TestDb.create("hostile_old").exec("""
                CREATE TABLE t (id int PRIMARY KEY, v text);
                INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 50) g;
                CREATE TABLE canary (id int PRIMARY KEY, note text);
                INSERT INTO canary VALUES (1, 'alive'), (2, 'alive');
                """);
        newDb = TestDb.create("hostile_new").exec("""
                CREATE TABLE t (id int PRIMARY KEY, v text);
                CREATE TABLE canary (id int PRIMARY KEY, note text);
                INSERT INTO canary VALUES (1, 'alive'), (2, 'alive');
                """);
    }

    @AfterAll
    static void drop() {
        oldDb.close();
        newDb.close();
    }

    @AfterEach
    void canariesAlive() throws Exception {
        for (TestDb db : List.of(oldDb, newDb)) {
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT string_agg(id || ':' || note, ',' ORDER BY id) FROM canary")) {
                rs.next();
                assertThat(rs.getString(1)).as("canary in %s", db.name()).isEqualTo("1:alive,2:alive");
            }
            try (Connection c = db.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'cutover'")) {
                rs.next();
                assertThat(rs.getInt(1)).as("nothing written in %s", db.name()).isZero();
            }
        }
    }

    static Plan plan(String forward, String reverse) {
        List<ColumnMapping> rev = reverse == null ? List.of() : List.of(new ColumnMapping("v", reverse));
        return new Plan(1, "hostile", List.of(new TableMapping(T, T, List.of("id"),
                List.of(new ColumnMapping("id", "id"), new ColumnMapping("v", forward)), List.of(), rev)));
    }

    static Db old() {
        return new Db("old database", oldDb.url());
    }

    static Db neu() {
        return new Db("new database", newDb.url());
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void thePlanReaderRefusesItNamingFileTableAndColumn(String expr) {
        String json = PlanFile.toJson(plan(expr, null));
        assertThatThrownBy(() -> PlanFile.parse(json, "hostile.json"))
                .isInstanceOf(PlanException.class)
                .hasMessageStartingWith("hostile.json: tables[0].columns[1].expr: expression for public.t.\"v\" refused: ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        String reversed = PlanFile.toJson(plan("v", expr));
        assertThatThrownBy(() -> PlanFile.parse(reversed, "hostile.json"))
                .hasMessageStartingWith("hostile.json: tables[0].reverse[0].expr: expression for public.t.\"v\" refused: ");
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void thePlanCheckRefusesItForwardAndReverse(String expr) {
        CheckReport forward = new PlanChecker(old(), neu()).check(plan(expr, null));
        Finding f = forward.findings().stream().filter(x -> x.kind().equals("bad_expression")).findFirst().orElseThrow();
        assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
        assertThat(f.column()).isEqualTo("v");
        assertThat(forward.tables().get(0).dryRunDone()).isFalse();

        CheckReport reverse = new PlanChecker(old(), neu()).check(plan("v", expr));
        assertThat(reverse.findings()).anySatisfy(x -> {
            assertThat(x.severity()).isEqualTo(Severity.PROBLEM);
            assertThat(x.message()).startsWith("reverse expression");
        });
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theConsolesLiveCheckRefusesIt(String expr) throws Exception {
        try (Connection c = old().connectReadOnly()) {
            ExpressionProbe.Result r = ExpressionProbe.probe(c, T, expr, "text");
            assertThat(r.ok()).isFalse();
            assertThat(r.error()).isNotBlank().doesNotContain("\n");
        }
    }

    @ParameterizedTest
    @MethodSource("corpus")
    void theDryRunBackfillVerifyAndRepairRefuseItBeforeSendingAnything(String expr) throws Exception {
        Plan p = plan(expr, null);
        try (Connection c = old().connectReadOnly(); Connection n = neu().connect()) {
            Schema.Table src = SchemaReader.read(c).table(T).orElseThrow();
            Schema.Table tgt = SchemaReader.read(n).table(T).orElseThrow();
            TableMapping m = p.tables().get(0);
            assertThatThrownBy(() -> new DryRun(c, m, new MappingSql(m, src, tgt), src, tgt, Map.of(), 10, 5))
                    .isInstanceOf(PlanException.class).hasMessageContaining("refused");
        }
        assertThatThrownBy(() -> new BackfillEngine(old(), neu(), p, new BackfillOptions()).run(null))
                .isInstanceOf(PlanException.class).hasMessageContaining("refused");
        assertThatThrownBy(() -> new Verifier(p, old(), neu(), VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE).verify())
                .isInstanceOf(PlanException.class).hasMessageContaining("refused");
        assertThatThrownBy(() -> new Repairer(p, old(), neu(), VerifyOptions.defaults(Direction.FORWARD), VerifyListener.NONE).repair())
                .isInstanceOf(PlanException.class).hasMessageContaining("refused");
        Plan backwards = plan("v", expr);
        assertThatThrownBy(() -> new Repairer(backwards, old(), neu(), VerifyOptions.defaults(Direction.REVERSE), VerifyListener.NONE).repair())
                .isInstanceOf(PlanException.class).hasMessageContaining("refused");
    }
}
