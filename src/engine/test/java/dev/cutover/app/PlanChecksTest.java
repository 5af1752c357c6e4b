package dev.cutover.app;

import dev.cutover.testing.NeedsServers;
import dev.cutover.check.CheckReport;
import dev.cutover.check.Finding;
import dev.cutover.check.PlanChecker;
import dev.cutover.check.Severity;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's checks as you type are the plan check's own catalog checks: what they find, the
 * plan check finds too, with the same kind, table, column and words; merged, each subject once.
 */
@NeedsServers
class PlanChecksTest {
    private static TestDb old;
    private static TestDb neu;
    private static Schema oldSchema;
    private static Schema newSchema;

    @BeforeAll
    static void databases() throws Exception {
        old = TestDb.create("pc_old").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL, legacy_flags int, note text);
                INSERT INTO orders VALUES (1, 1.50, 0, 'a');""");
        neu = TestDb.create("pc_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text, extra int NOT NULL)");
        try (Connection o = old.connect(); Connection n = neu.connect()) {
            oldSchema = SchemaReader.read(o);
            newSchema = SchemaReader.read(n);
        }
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    private static Plan plan() {
        // legacy_flags is read by nothing: only its name appears inside another expression's string literal (the old
        // quick check's "contains" test took that for a use)
        return PlanFile.parse("""
                {"version": 1, "name": "pc", "tables": [
                 {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "total_cents", "expr": "round(total * 100)::bigint"},
                              {"target": "note", "expr": "coalesce(note, 'legacy_flags')"}], "dropped": []}]}""", "plan.json");
    }

    @Test
    void theQuickChecksAreThePlanChecksCatalogChecks() {
        List<Finding> quick = PlanChecks.quick(plan(), oldSchema, newSchema);
        assertThat(quick).extracting(Finding::kind).contains("unmapped_source_column", "not_null_without_source");
        assertThat(quick).filteredOn(f -> f.kind().equals("unmapped_source_column")).extracting(Finding::sourceColumn)
                .containsExactly("legacy_flags");
        assertThat(quick).filteredOn(f -> f.kind().equals("not_null_without_source")).singleElement()
                .satisfies(f -> assertThat(f.targetColumn()).isEqualTo("extra"));

        CheckReport full = new PlanChecker(new Db("old database", old.url()), new Db("new database", neu.url())).check(plan());
        List<Finding> checked = full.tables().stream().flatMap(t -> t.findings().stream()).toList();
        assertThat(checked).containsAll(quick);

        List<Finding> merged = PlanChecks.merge(checked, quick);
        assertThat(merged).doesNotHaveDuplicates().hasSameSizeAs(checked.stream().distinct().toList());
        assertThat(merged.get(0).severity()).isEqualTo(Severity.PROBLEM);
        assertThat(PlanChecks.quick(plan(), null, newSchema)).as("nothing to tell before both catalogs are read").isEmpty();
    }

    @Test
    void aKeyNotMappedUnchangedIsAFindingNotACrash() {
        // the plan file refuses this on reading; the console holds such a plan while it is being edited
        dev.cutover.plan.TableRef orders = new dev.cutover.plan.TableRef("public", "orders");
        Plan p = new Plan(Plan.CURRENT_VERSION, "pc", List.of(new dev.cutover.plan.TableMapping(orders, orders, List.of("id"),
                List.of(new dev.cutover.plan.ColumnMapping("id", "id + 0")), List.of(), List.of())));
        assertThat(PlanChecks.quick(p, oldSchema, newSchema)).filteredOn(f -> f.kind().equals("key_not_mapped")).singleElement()
                .satisfies(f -> {
                    assertThat(f.severity()).isEqualTo(Severity.PROBLEM);
                    assertThat(f.sourceColumn()).isEqualTo("id");
                });
    }

    @Test
    void mergedFindingsListEachSubjectAndEachKeyOnce() {
        Finding checked = new Finding(Severity.PROBLEM, "null_into_not_null", "public.orders", "total_cents", "NULL", 2,
                List.of("{\"id\":1}", "{\"id\":1}", "{\"id\":2}"));
        Finding quick = Finding.of(Severity.PROBLEM, "bad_expression", "public.orders", "total_cents", "does not parse");
        Finding other = Finding.of(Severity.WARNING, "unmapped_source_column", "public.orders", "legacy_flags", "unread");
        List<Finding> merged = PlanChecks.merge(List.of(checked, checked), List.of(quick, other, other));
        assertThat(merged).containsExactly(checked, other);
        assertThat(merged.get(0).keys()).containsExactly("{\"id\":1}", "{\"id\":2}");
        assertThat(merged.get(0).describe()).isEqualTo("NULL — 2 rows, e.g. {\"id\":1} {\"id\":2}");
        assertThat(new Finding(Severity.PROBLEM, "k", "t", "c", "2 rows bad (first keys: {\"id\":1}, {\"id\":2})", 2,
                List.of("{\"id\":1}", "{\"id\":2}")).describe()).as("what the message says is not said again")
                .isEqualTo("2 rows bad (first keys: {\"id\":1}, {\"id\":2})");
    }
}
