package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.BackfillSql;
import dev.cutover.sql.ChunkSql;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.KeyJson;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rendered statements run against real databases: names that need quoting, keys with quotes
 * in them as literals (COPY takes no parameters), ranges under the C collation on a database whose
 * own collation orders otherwise (ICU en-US: 'a' before 'B'), the staging table's types, an insert
 * that never overwrites, chunk boundaries that stay within the run's upper bound.
 */
@NeedsServers
class BackfillSqlTest {
    /** Old: "Old Schema"."Line ""Items""\" with a two-column key; new: public.line_items, status an enum that exists only there. */
    private static final Flow FLOW = new Flow(Direction.FORWARD, new TableRef("Old Schema", "Line \"Items\""), new TableRef("public", "line_items"),
            List.of(new Flow.Projected("Code", "\"Code\"", "text", "text", "text"),
                    new Flow.Projected("n", "\"N\"", "integer", "integer", "integer"),
                    new Flow.Projected("name", "\"Name\"", "character varying", "character varying(20)", "character varying"),
                    new Flow.Projected("status", "lower(status)", "text", "\"Status\"", "\"Status\"")),
            List.of(new Flow.KeyColumn("Code", "Code", "text", "text", true), new Flow.KeyColumn("N", "n", "integer", "integer", false)));
    /** The same without the enum column: every column has the target's built-in type. */
    private static final Flow BUILT_IN = new Flow(Direction.FORWARD, FLOW.from(), FLOW.to(), FLOW.columns().subList(0, 3), FLOW.key());
    private static final String ICU = "TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'";

    private static TestDb old;
    private static TestDb neu;

    @BeforeAll
    static void databases() {
        old = TestDb.create("bf_sql_old", ICU).exec("""
                CREATE SCHEMA "Old Schema";
                CREATE TABLE "Old Schema"."Line ""Items""\" ("Code" text, "N" integer, "Name" varchar(20), status text, PRIMARY KEY ("Code", "N"));
                INSERT INTO "Old Schema"."Line ""Items""\" VALUES
                  ('a', 1, 'a one', 'OPEN'), ('B', 1, 'b one', 'Shipped'), ('it''s', 2, 'its two', 'open'),
                  ('it''s', 3, 'its three', 'open'), ('it''s', 4, 'its four', 'SHIPPED'), ('z', 1, 'z one', 'open'),
                  ('z', 2, 'z two', 'open');
                """);
        neu = TestDb.create("bf_sql_new", TestDb.Server.NEW, ICU);
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    private static void emptyTarget() {
        neu.exec("""
                DROP TABLE IF EXISTS public.line_items; DROP TYPE IF EXISTS "Status";
                CREATE TYPE "Status" AS ENUM ('open', 'shipped');
                CREATE TABLE public.line_items ("Code" text, n integer, name varchar(20), status "Status", PRIMARY KEY ("Code", n));
                """);
    }

    @Test
    void copyOutTakesTheRangeBetweenLiteralKeysUnderTheCCollation() throws Exception {
        emptyTarget();
        // ("it's", 3) exclusive to ("z", 1) inclusive: a quote inside a key literal
        assertThat(throughStaging(FLOW, List.of("it's", "3"), List.of("z", "1"))).isEqualTo(2);
        assertThat(targetKeys()).containsExactly("it's|4", "z|1");

        emptyTarget();
        // in C order 'B' < 'a' (en-US, the database's own, puts 'a' first: this range would be empty)
        assertThat(throughStaging(FLOW, List.of("B", "1"), List.of("a", "1"))).isEqualTo(1);
        assertThat(targetKeys()).containsExactly("a|1");

        emptyTarget();
        // no lower bound: from the first key in C order, which is 'B' (en-US would start with 'a')
        assertThat(throughStaging(FLOW, null, List.of("B", "1"))).isEqualTo(1);
        assertThat(targetKeys()).containsExactly("B|1");
    }

    @Test
    void stagingHasTheSelectsTypesAndTheInsertNeverOverwrites() throws Exception {
        emptyTarget();
        neu.exec("INSERT INTO public.line_items VALUES ('z', 1, 'newer', 'shipped')");
        // the whole table: the enum column travels as text through staging and is cast on insert
        assertThat(throughStaging(FLOW, null, List.of("z", "2"))).isEqualTo(7);
        assertThat(targetRows()).containsExactly(
                "B|1|b one|shipped", "a|1|a one|open", "it's|2|its two|open", "it's|3|its three|open", "it's|4|its four|shipped",
                "z|1|newer|shipped", "z|2|z two|open");

        // an enum that exists only on the new side travels as text: no binary COPY straight into the target
        assertThat(BackfillSql.canCopyIntoTarget(FLOW)).isFalse();
        assertThat(BackfillSql.canCopyIntoTarget(BUILT_IN)).isTrue();
        assertThat(BackfillSql.preview(FLOW)).extracting(s -> s.title() + " @ " + s.runsOn()).contains(
                "Backfill: read one chunk @ old database", "Backfill: insert without overwriting rows already there @ new database",
                "Backfill: checkpoint, in the same transaction @ new database")
                .doesNotContain("Backfill: load the chunk (fast path; any existing key aborts it and the chunk goes through staging) @ new database");
    }

    @Test
    void builtInTypesCopyStraightIntoTheTargetAndAnExistingKeyAbortsThat() throws Exception {
        emptyTarget();
        try (Connection o = old.connect(); Connection n = neu.connect()) {
            n.setAutoCommit(false);
            assertThat(copy(o, n, BackfillSql.copyOut(BUILT_IN, null, List.of("a", "1")), BackfillSql.copyInTarget(BUILT_IN))).isEqualTo(2);
            n.commit();
            assertThat(targetKeys()).containsExactly("B|1", "a|1");
            // the same range again: the fast path fails whole (the chunk then goes through staging)
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> copy(o, n,
                            BackfillSql.copyOut(BUILT_IN, null, List.of("a", "1")), BackfillSql.copyInTarget(BUILT_IN)))
                    .isInstanceOf(SQLException.class).extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("23505");
            n.rollback();
        }
    }

    @Test
    void chunkBoundariesStayInsideTheRunsUpperBound() throws Exception {
        try (Connection c = old.connect()) {
            // after ("B", 1) in C order: ("a", 1), ("it's", 2), ("it's", 3), up to ("it's", 3)
            assertThat(boundary(c, List.of("B", "1"), List.of("it's", "3"), 0)).containsExactly("a", "1");
            assertThat(boundary(c, List.of("B", "1"), List.of("it's", "3"), 2)).containsExactly("it's", "3");
            assertThat(boundary(c, List.of("B", "1"), List.of("it's", "3"), 3)).as("past the run's upper bound").isEmpty();
            assertThat(boundary(c, null, List.of("z", "2"), 0)).as("the first key in C order").containsExactly("B", "1");
            assertThat(boundary(c, null, List.of("z", "2"), 6)).containsExactly("z", "2");
        }
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

    /**
     * One chunk the way {@link ChunkCopier} moves it through staging: binary COPY out of the old
     * database into the session's staging table, then the insert into the target; the staging
     * table is empty again after the commit. Returns the rows copied.
     */
    private static long throughStaging(Flow f, List<String> lower, List<String> upper) throws SQLException {
        try (Connection o = old.connect(); Connection n = neu.connect()) {
            n.setAutoCommit(false);
            try (Statement s = n.createStatement()) {
                s.execute(BackfillSql.createStaging(f, 2));
            }
            long rows = copy(o, n, BackfillSql.copyOut(f, lower, upper), BackfillSql.copyInStaging(f, 2));
            try (Statement s = n.createStatement()) {
                s.executeUpdate(BackfillSql.insertFromStaging(f, 2));
            }
            n.commit();
            try (Statement s = n.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + BackfillSql.stagingName(2))) {
                rs.next();
                assertThat(rs.getLong(1)).as("staging rows after the commit").isZero();
            }
            n.commit();
            return rows;
        }
    }

    private static long copy(Connection from, Connection to, String copyOut, String copyIn) throws SQLException {
        CopyOut out = from.unwrap(PGConnection.class).getCopyAPI().copyOut(copyOut);
        CopyIn in = to.unwrap(PGConnection.class).getCopyAPI().copyIn(copyIn);
        try {
            for (byte[] b = out.readFromCopy(); b != null; b = out.readFromCopy()) {
                in.writeToCopy(b, 0, b.length);
            }
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
            if (out.isActive()) {
                out.cancelCopy();
            }
        }
    }

    private static List<String> boundary(Connection c, List<String> lower, List<String> upper, long offset) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(ChunkSql.boundaryWithin(FLOW, lower != null))) {
            int i = 1;
            for (String v : lower == null ? List.<String>of() : lower) {
                ps.setString(i++, v);
            }
            for (String v : upper) {
                ps.setString(i++, v);
            }
            ps.setLong(i, offset);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? List.of(rs.getString(1), rs.getString(2)) : List.of();
            }
        }
    }

    private static List<String> targetKeys() throws SQLException {
        return targetRows().stream().map(r -> r.substring(0, r.indexOf('|', r.indexOf('|') + 1))).toList();
    }

    private static List<String> targetRows() throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = neu.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"Code\", n, name, status FROM public.line_items ORDER BY \"Code\" COLLATE \"C\", n")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getInt(2) + "|" + rs.getString(3) + "|" + rs.getString(4));
            }
        }
        return out;
    }
}
