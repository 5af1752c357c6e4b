package dev.cutover.check;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class ExpressionProbeTest {
    private static TestDb db;
    private static Schema.Column total;
    private static Schema.Column note;
    private static final TableRef ORDERS = new TableRef("public", "orders");

    @BeforeAll
    static void setUp() throws Exception {
        db = TestDb.create("probe").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, total_amount numeric(12,2), "Note Text" text);
                CREATE TABLE target (total_cents bigint, note varchar(10));
                INSERT INTO orders VALUES (1, 1.5, 'x');""");
        try (Connection c = db.connect()) {
            Schema s = SchemaReader.read(c);
            total = s.table(new TableRef("public", "target")).orElseThrow().column("total_cents").orElseThrow();
            note = s.table(new TableRef("public", "target")).orElseThrow().column("note").orElseThrow();
        }
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    @Test
    void acceptsAnExpressionTheDatabaseCanTypeAndCast() throws Exception {
        try (Connection c = new Db("old database", db.url()).connect()) {
            assertThat(ExpressionProbe.problem(c, ORDERS, total, "round(total_amount * 100)::bigint")).isNull();
            assertThat(ExpressionProbe.problem(c, ORDERS, note, "\"Note Text\"")).isNull();
            assertThat(c.getAutoCommit()).isTrue();
        }
    }

    @Test
    void reportsTheDatabasesOwnErrorWithThePositionInTheExpression() throws Exception {
        try (Connection c = new Db("old database", db.url()).connect()) {
            assertThat(ExpressionProbe.problem(c, ORDERS, total, "round(totl_amount * 100)"))
                    .isEqualTo("column \"totl_amount\" does not exist (at character 7 of the expression)");
            assertThat(ExpressionProbe.problem(c, ORDERS, total, "now()"))
                    .startsWith("cannot cast type timestamp with time zone to bigint");
            assertThat(ExpressionProbe.problem(c, ORDERS, total, "1; DROP TABLE orders"))
                    .startsWith("';' at position 2");
            // the connection is usable afterwards and nothing changed
            try (ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void probesTheEnginesOwnProjection() {
        assertThat(ExpressionProbe.statement(ORDERS, total, "id")).isEqualTo(
                "SELECT (id)::bigint AS \"total_cents\" FROM \"public\".\"orders\" AS src LIMIT 0");
        assertThat(ExpressionProbe.statement(ORDERS, note, "\"Note Text\"")).isEqualTo(
                "SELECT (\"Note Text\")::character varying AS \"note\" FROM \"public\".\"orders\" AS src LIMIT 0");
    }
}
