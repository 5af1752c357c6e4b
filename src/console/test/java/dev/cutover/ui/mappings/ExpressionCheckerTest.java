package dev.cutover.ui.mappings;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The expression checker against a real old database: a verdict per expression, asked once, forgotten on demand. */
@NeedsServers
class ExpressionCheckerTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static TestDb old;
    private static Schema.Column cents;

    @BeforeAll
    static void database() throws Exception {
        old = TestDb.create("exprcheck").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL)");
        TestDb neu = TestDb.create("exprcheck_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL)");
        try (neu; Connection c = neu.connect()) {
            cents = SchemaReader.read(c).table(ORDERS).orElseThrow().column("total_cents").orElseThrow();
        }
    }

    @AfterAll
    static void drop() {
        old.close();
    }

    @Test
    void eachExpressionGetsTheDatabasesVerdictOnce() throws Exception {
        Db db = new Db("old database", old.url());
        try (ExpressionChecker checker = new ExpressionChecker()) {
            ExpressionChecker.Probe good = new ExpressionChecker.Probe(ORDERS, cents, "round(total * 100)::bigint");
            ExpressionChecker.Probe typo = new ExpressionChecker.Probe(ORDERS, cents, "round(totl * 100)::bigint");
            assertThat(checker.verdict(good)).isInstanceOf(ExpressionChecker.Verdict.Unchecked.class);
            assertThat(checker.unchecked(List.of(good, typo, good))).containsExactly(good, typo);

            Map<ExpressionChecker.Probe, ExpressionChecker.Verdict> v = checker.check(db, List.of(good, typo));
            assertThat(v.get(good)).isEqualTo(ExpressionChecker.Verdict.VALID);
            assertThat(v.get(typo)).isInstanceOfSatisfying(ExpressionChecker.Verdict.Invalid.class,
                    bad -> assertThat(bad.problem()).contains("totl"));
            assertThat(checker.verdict(typo)).isEqualTo(v.get(typo));
            assertThat(checker.unchecked(List.of(good, typo))).isEmpty();

            checker.forget();
            assertThat(checker.verdict(good)).isInstanceOf(ExpressionChecker.Verdict.Unchecked.class);
        }
    }
}
