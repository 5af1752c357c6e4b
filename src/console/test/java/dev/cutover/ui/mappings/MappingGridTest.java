package dev.cutover.ui.mappings;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapping grid's rows and the SQL preview of one table mapping, over two real catalogs and the old database's verdicts. */
@NeedsServers
class MappingGridTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static TestDb old;
    private static TestDb neu;
    private static Schema.Table oldOrders;
    private static Schema.Table newOrders;

    @BeforeAll
    static void databases() throws Exception {
        old = TestDb.create("mgrid_old").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL, note text)");
        neu = TestDb.create("mgrid_new").exec(
                "CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL, note text, extra int)");
        oldOrders = SchemaReader.read(new Db("old database", old.url())).table(ORDERS).orElseThrow();
        newOrders = SchemaReader.read(new Db("new database", neu.url())).table(ORDERS).orElseThrow();
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    /** id, total_cents and note mapped; {@code gone}: also a column the new table lacks. */
    private static TableMapping mapping(String noteExpr, boolean gone) {
        List<ColumnMapping> cols = new java.util.ArrayList<>(List.of(new ColumnMapping("id", "id"),
                new ColumnMapping("total_cents", "round(total * 100)::bigint"), new ColumnMapping("note", noteExpr)));
        if (gone) {
            cols.add(new ColumnMapping("gone", "id"));
        }
        return new TableMapping(ORDERS, ORDERS, List.of("id"), cols, List.of(), List.of());
    }

    private static TableMapping mapping(String noteExpr) {
        return mapping(noteExpr, false);
    }

    @Test
    void rowsShowEveryNewColumnThenMappedOnesItLacksWithTheDatabasesVerdict() throws Exception {
        try (ExpressionChecker checker = new ExpressionChecker()) {
            MappingGrid grid = new MappingGrid(checker);
            TableMapping t = mapping("notte", true);
            assertThat(grid.rows(null, Optional.of(newOrders))).isEmpty();
            assertThat(grid.rows(t, Optional.of(newOrders))).extracting(MappingRow::target, MappingRow::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("id", MappingRow.Status.CHECKING),
                    org.assertj.core.groups.Tuple.tuple("total_cents", MappingRow.Status.CHECKING),
                    org.assertj.core.groups.Tuple.tuple("note", MappingRow.Status.CHECKING),
                    org.assertj.core.groups.Tuple.tuple("extra", MappingRow.Status.UNMAPPED),
                    org.assertj.core.groups.Tuple.tuple("gone", MappingRow.Status.NO_COLUMN));

            List<ExpressionChecker.Probe> probes = MappingGrid.probes(t, newOrders);
            assertThat(probes).extracting(ExpressionChecker.Probe::expr).containsExactly("id", "round(total * 100)::bigint", "notte");
            checker.check(new Db("old database", old.url()), probes);

            List<MappingRow> rows = grid.rows(t, Optional.of(newOrders));
            assertThat(rows.get(0)).isEqualTo(new MappingRow("id", "bigint", true, "id", MappingRow.Status.MAPPED, null));
            assertThat(rows.get(1).status()).isEqualTo(MappingRow.Status.MAPPED);
            assertThat(rows.get(2).status()).isEqualTo(MappingRow.Status.ERROR);
            assertThat(rows.get(2).statusText()).startsWith("error: ").contains("notte");
            assertThat(rows.get(4).type()).isEqualTo("?");
            assertThat(grid.verdict(t, Optional.empty(), "notte")).isEqualTo(ExpressionChecker.Verdict.UNCHECKED);
        }
    }

    @Test
    void thePreviewKeepsTheLastSqlOfTheSameTableWhileAnExpressionCannotRender() {
        MappingGrid grid = new MappingGrid(new ExpressionChecker());
        assertThat(grid.preview(null, Optional.empty(), Optional.empty())).startsWith("-- open a plan");
        assertThat(grid.preview(mapping("note"), Optional.of(oldOrders), Optional.empty())).startsWith("-- the preview needs both schemas");

        String sql = grid.preview(mapping("note"), Optional.of(oldOrders), Optional.of(newOrders));
        assertThat(sql).startsWith("-- Backfill / verify read").contains("round(total * 100)::bigint").doesNotContain("cannot render");

        // a column the new table lacks cannot render: the last SQL of the table stays, with the reason below it
        String half = grid.preview(mapping("note", true), Optional.of(oldOrders), Optional.of(newOrders));
        assertThat(half).startsWith(sql + "\n\n-- cannot render this mapping yet: ").contains("gone")
                .endsWith("(above: the last SQL that rendered)");

        MappingGrid fresh = new MappingGrid(new ExpressionChecker());
        assertThat(fresh.preview(mapping("note", true), Optional.of(oldOrders), Optional.of(newOrders)))
                .startsWith("-- cannot render this mapping yet: ").doesNotContain("above");
    }
}
