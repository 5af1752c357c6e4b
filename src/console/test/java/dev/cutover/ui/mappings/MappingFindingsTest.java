package dev.cutover.ui.mappings;

import dev.cutover.check.CheckReport;
import dev.cutover.check.Finding;
import dev.cutover.check.PlanChecker;
import dev.cutover.check.Severity;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Mappings screen's findings over two real databases: quick ones as you type, the full check's kept while still true. */
@NeedsServers
class MappingFindingsTest {
    private static final TableRef CUSTOMERS = new TableRef("public", "customers");
    private static TestDb old;
    private static TestDb neu;
    private static Db oldDb;
    private static Db newDb;
    private static Schema oldSchema;
    private static Schema newSchema;

    @BeforeAll
    static void databases() throws Exception {
        old = TestDb.create("mfind_old").exec("""
                CREATE TABLE customers (id bigint PRIMARY KEY, full_name text NOT NULL);
                INSERT INTO customers SELECT g, CASE WHEN g % 2 = 0 THEN 'x' ELSE 'name ' || g END FROM generate_series(1, 40) g;""");
        neu = TestDb.create("mfind_new").exec("CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL)");
        oldDb = new Db("old database", old.url());
        newDb = new Db("new database", neu.url());
        oldSchema = SchemaReader.read(oldDb);
        newSchema = SchemaReader.read(newDb);
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    private static Plan plan(String nameExpr) {
        return new Plan(Plan.CURRENT_VERSION, "findings", List.of(new TableMapping(CUSTOMERS, CUSTOMERS, List.of("id"),
                List.of(new ColumnMapping("id", "id"), new ColumnMapping("name", nameExpr)), List.of(), List.of())));
    }

    @Test
    void aBadExpressionIsAProblemOnceTheDatabaseJudgedIt() throws Exception {
        try (ExpressionChecker checker = new ExpressionChecker()) {
            MappingFindings found = new MappingFindings(checker);
            Plan p = plan("fullname");
            assertThat(found.of(null, oldSchema, newSchema)).isEmpty();
            assertThat(found.of(p, oldSchema, newSchema)).noneMatch(f -> f.kind().equals("bad_expression"));

            checker.check(oldDb, MappingGrid.probes(p.tables().get(0), newSchema.table(CUSTOMERS).orElseThrow()));
            List<Finding> now = found.of(p, oldSchema, newSchema);
            Finding bad = now.stream().filter(f -> f.kind().equals("bad_expression")).findFirst().orElseThrow();
            assertThat(bad.severity()).isEqualTo(Severity.PROBLEM);
            assertThat(found.fromCheck(bad)).isFalse();
            assertThat(found.describe(bad)).startsWith("Problem · public.customers.name: ").contains("fullname");
            assertThat(MappingFindings.tableOf(p, bad)).isZero();
            assertThat(MappingFindings.tableOf(p, Finding.of(Severity.NOTE, "x", "public.elsewhere", null, "m"))).isEqualTo(-1);
        }
    }

    @Test
    void theFullChecksFindingsStayWhileTheTableIsMappedAsChecked() {
        MappingFindings found = new MappingFindings(new ExpressionChecker());
        Plan p = plan("NULLIF(full_name, 'x')"); // NULL into NOT NULL for every even id
        CheckReport report = new PlanChecker(oldDb, newDb).check(p);
        String summary = found.checked(report, p);
        assertThat(summary).startsWith("Plan check: ").contains("problem").endsWith(" over 40 rows");

        List<Finding> listed = found.of(p, oldSchema, newSchema);
        Finding nulls = listed.stream().filter(f -> "name".equals(f.targetColumn())).findFirst().orElseThrow();
        assertThat(found.fromCheck(nulls)).isTrue();
        assertThat(found.describe(nulls)).startsWith("Problem (plan check) · ").contains("20 rows");
        assertThat(listed.get(0).severity()).as("problems first").isEqualTo(Severity.PROBLEM);

        List<Finding> edited = found.of(plan("full_name"), oldSchema, newSchema);
        assertThat(edited).noneMatch(found::fromCheck).noneMatch(f -> f.describe().contains("20 rows"));
    }
}
