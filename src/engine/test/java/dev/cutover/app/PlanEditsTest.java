package dev.cutover.app;

import dev.cutover.check.CheckReport;
import dev.cutover.check.Finding;
import dev.cutover.check.Severity;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The Mappings screen's edits without a window: each a new plan, keyed from the catalogs read over real databases. */
@NeedsServers
class PlanEditsTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static TestDb old;
    private static TestDb neu;
    private static Schema oldSchema;
    private static Schema newSchema;

    @BeforeAll
    static void databases() {
        old = TestDb.create("pe_old").exec("CREATE TABLE orders (id bigint, region text, total numeric(12,2) NOT NULL, note text, "
                + "PRIMARY KEY (id, region))");
        neu = TestDb.create("pe_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text)");
        oldSchema = SchemaReader.read(new Db("old database", old.url()));
        newSchema = SchemaReader.read(new Db("new database", neu.url()));
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    private static Plan empty() {
        return new Plan(Plan.CURRENT_VERSION, "pe", List.of());
    }

    @Test
    void aNewTableMappingIsKeyedLikeTheOldTableAndMapsOnlyKeyColumnsTheNewTableHas() {
        Plan p = PlanEdits.withTable(empty(), ORDERS, ORDERS, oldSchema, newSchema);
        assertThat(p.tables()).hasSize(1);
        assertThat(p.tables().get(0).key()).containsExactly("id", "region");
        assertThat(p.tables().get(0).columns()).containsExactly(new ColumnMapping("id", "\"id\""));
        assertThat(PlanEdits.indexOf(p, ORDERS, ORDERS)).isZero();
        assertThat(PlanEdits.indexOf(p, ORDERS, new TableRef("public", "other"))).isEqualTo(-1);
        assertThat(empty().tables()).as("the plan edited is left as it was").isEmpty();
    }

    @Test
    void aColumnIsSetReplacedAndClearedByABlankExpression() {
        Plan p = PlanEdits.withTable(empty(), ORDERS, ORDERS, oldSchema, newSchema);
        Plan set = PlanEdits.withColumn(p, 0, "total_cents", "round(total * 100)::bigint");
        Plan replaced = PlanEdits.withColumn(set, 0, "total_cents", "(total * 100)::bigint");
        Plan cleared = PlanEdits.withColumn(replaced, 0, "total_cents", "  ");
        assertThat(set.tables().get(0).column("total_cents")).map(ColumnMapping::expr).contains("round(total * 100)::bigint");
        assertThat(replaced.tables().get(0).columns()).extracting(ColumnMapping::target).containsExactly("id", "total_cents");
        assertThat(replaced.tables().get(0).column("total_cents")).map(ColumnMapping::expr).contains("(total * 100)::bigint");
        assertThat(cleared.tables().get(0).column("total_cents")).isEmpty();
        assertThat(cleared).isEqualTo(p);
    }

    @Test
    void suggestFillsOnlyUnmappedColumnsAndSaysWhatItProposed() {
        Plan p = PlanEdits.withTable(empty(), ORDERS, ORDERS, oldSchema, newSchema);
        PlanEdits.Suggested s = PlanEdits.suggest(p, 0, oldSchema.table(ORDERS).orElseThrow(), newSchema.table(ORDERS).orElseThrow());
        assertThat(s.mappings()).containsKey("note").doesNotContainKey("id");
        assertThat(s.plan().tables().get(0).column("note")).isPresent();
        PlanEdits.Suggested again = PlanEdits.suggest(s.plan(), 0, oldSchema.table(ORDERS).orElseThrow(),
                newSchema.table(ORDERS).orElseThrow());
        assertThat(again.mappings()).as("nothing left to propose").isEmpty();
        assertThat(again.plan()).isEqualTo(s.plan());
    }

    @Test
    void theFullChecksFindingsStandOnlyForTablesStillMappedAsChecked() {
        Plan checked = PlanEdits.withColumn(PlanEdits.withTable(empty(), ORDERS, ORDERS, oldSchema, newSchema), 0, "note", "note");
        Finding f = Finding.of(Severity.WARNING, "lossy_cast", "public.orders", "note", "may lose data");
        CheckReport report = new CheckReport("pe", List.of(new CheckReport.TableReport("public.orders", "public.orders", 3, true,
                List.of(f))));
        assertThat(PlanChecks.stillChecked(report, checked, checked)).containsExactly(f);
        assertThat(PlanChecks.stillChecked(report, checked, PlanEdits.withColumn(checked, 0, "note", "upper(note)")))
                .as("the table was edited since").isEmpty();
        assertThat(PlanChecks.stillChecked(null, null, checked)).isEmpty();
    }
}
