package dev.cutover.demo;

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
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Loads a small sample (2,000 orders, 20 tenants) into a real database and checks that the edge
 * cases are there, that both plans are valid plan files, and that plan.json's forward-then-reverse
 * loses exactly the rows the generator says it does, while plan-naive.json breaks on them.
 */
@NeedsServers
class SampleDataTest {
    static final SampleProject PROJECT = SampleProject.locate();
    static TestDb old;
    static TestDb fresh;
    static GeneratedData data;
    static Schema oldSchema;
    static Schema newSchema;

    @BeforeAll
    static void load() throws SQLException {
        old = TestDb.create("sample_old");
        fresh = TestDb.create("sample_new");
        fresh.exec(SampleProject.read(PROJECT.newSchema()));
        try (Connection c = old.connect()) {
            data = new DataGenerator(new DataGenerator.Options(2000, 20, 7)).load(c, SampleProject.read(PROJECT.oldSchema()), n -> { });
            oldSchema = SchemaReader.read(c);
        }
        try (Connection c = fresh.connect()) {
            newSchema = SchemaReader.read(c);
        }
    }

    @AfterAll
    static void drop() {
        if (old != null) {
            old.close();
        }
        if (fresh != null) {
            fresh.close();
        }
    }

    @Test
    void loadsTheRequestedSizeWithEveryTenant() throws SQLException {
        assertThat(data.orders()).isEqualTo(2000);
        assertThat(data.users()).isEqualTo(400);
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(2000);
        assertThat(count("SELECT count(*) FROM users")).isEqualTo(400);
        assertThat(count("SELECT count(DISTINCT company_id) FROM users")).isEqualTo(20);
        assertThat(count("SELECT count(*) FROM tenant_orders")).isEqualTo(2000);
    }

    @Test
    void everyEdgeCaseIsPresentWhereTheGeneratorSaysItIs() throws SQLException {
        for (EdgeCase e : EdgeCase.values()) {
            assertThat(data.ids(e)).as(e.name()).isNotEmpty();
        }
        assertThat(data.ids(EdgeCase.SUB_CENT_AMOUNT)).hasSizeGreaterThanOrEqualTo(5);
        assertThat(ids("SELECT id FROM users WHERE name !~ '[[:space:]]'")).containsAll(data.ids(EdgeCase.SINGLE_NAME));
        assertThat(ids("SELECT id FROM users WHERE btrim(name) ~ '^[^ ]+ [^ ]+ '")).containsAll(data.ids(EdgeCase.MULTI_WORD_NAME));
        assertThat(ids("SELECT id FROM users WHERE name ~ '[^\\x01-\\x7e]'")).containsAll(data.ids(EdgeCase.UNICODE_NAME));
        assertThat(ids("SELECT id FROM users WHERE name ~ '  |\t|^ | $'"))
                .containsExactlyElementsOf(data.ids(EdgeCase.IRREGULAR_SPACING_NAME));
        assertThat(ids("SELECT id FROM users WHERE name ~ '[''\"\\\\-]'")).containsAll(data.ids(EdgeCase.PUNCTUATED_NAME));
        assertThat(ids("SELECT id FROM orders WHERE metadata->>'priority' !~ '^[0-9]+$'"))
                .containsExactlyElementsOf(data.ids(EdgeCase.PRIORITY_WORD));
        assertThat(count("SELECT count(*) FROM orders WHERE metadata->>'priority' = 'high'")).isPositive();
        assertThat(ids("SELECT id FROM orders WHERE NOT metadata ? 'shipping_method'")).containsExactlyElementsOf(data.ids(EdgeCase.NO_SHIPPING_METHOD));
        assertThat(ids("SELECT id FROM orders WHERE NOT metadata ? 'priority'")).containsExactlyElementsOf(data.ids(EdgeCase.NO_PRIORITY));
        // fractions of a cent: the decimal amount (15 significant digits) has more than two decimals
        assertThat(ids("SELECT id FROM orders WHERE total_amount::numeric <> round(total_amount::numeric, 2)"))
                .containsExactlyElementsOf(data.ids(EdgeCase.SUB_CENT_AMOUNT));
        // float sums: the float is not the double nearest to its two-decimal value
        assertThat(ids("SELECT id FROM orders WHERE total_amount::numeric = round(total_amount::numeric, 2) "
                + "AND total_amount <> round(total_amount::numeric, 2)::float8"))
                .containsExactlyElementsOf(data.ids(EdgeCase.FLOAT_SUM_AMOUNT));
        // whole cents whose float product lands below the integer: truncation loses a cent on them
        assertThat(ids("SELECT id FROM orders WHERE total_amount::numeric = round(total_amount::numeric, 2) "
                + "AND trunc(total_amount * 100) <> round(total_amount::numeric * 100)")).containsAll(data.ids(EdgeCase.FLOAT_ARTEFACT_AMOUNT));
    }

    @Test
    void copyEscapingKeepsTabsBackslashesAndQuotes() throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = old.connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT name FROM users WHERE id IN (" + join(data.ids(EdgeCase.IRREGULAR_SPACING_NAME)) + ","
                     + join(data.ids(EdgeCase.PUNCTUATED_NAME)) + ")")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        assertThat(names).allSatisfy(n -> assertThat(SampleNames.IRREGULAR_SPACING.contains(n) || SampleNames.PUNCTUATED.contains(n))
                .as(n).isTrue());
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherData() throws SQLException {
        try (TestDb again = TestDb.create("sample_again"); TestDb other = TestDb.create("sample_other")) {
            String schema = SampleProject.read(PROJECT.oldSchema());
            try (Connection c = again.connect()) {
                new DataGenerator(new DataGenerator.Options(2000, 20, 7)).load(c, schema, n -> { });
            }
            try (Connection c = other.connect()) {
                new DataGenerator(new DataGenerator.Options(2000, 20, 8)).load(c, schema, n -> { });
            }
            String digest = "SELECT md5(string_agg(t::text, '|' ORDER BY id)) FROM %s t";
            for (String table : List.of("users", "orders")) {
                String a = text(old, digest.formatted(table));
                assertThat(text(again, digest.formatted(table))).as(table).isEqualTo(a);
                assertThat(text(other, digest.formatted(table))).as(table).isNotEqualTo(a);
            }
        }
    }

    @Test
    void refusesANonEmptyDatabaseAndChangesNothing() throws SQLException {
        try (Connection c = old.connect()) {
            assertThatThrownBy(() -> new DataGenerator(new DataGenerator.Options(10, 2, 1)).load(c, SampleProject.read(PROJECT.oldSchema()), n -> { }))
                    .hasMessageContaining("already has table(s) orders, users");
        }
        assertThat(count("SELECT count(*) FROM orders")).isEqualTo(2000);
    }

    @Test
    void bothPlansAreValidPlanFilesOverBothSchemas() {
        Plan plan = PlanFile.read(PROJECT.plan());
        Plan naive = PlanFile.read(PROJECT.naivePlan());
        assertThat(plan.name()).isEqualTo("saas-orders");
        assertThat(naive.name()).isEqualTo("saas-orders-naive");
        for (Plan p : List.of(plan, naive)) {
            for (TableMapping t : p.tables()) {
                MappingSql m = mapping(t);
                assertThat(m.forward().toColumns()).hasSameElementsAs(newSchema.table(t.target()).orElseThrow().columns()
                        .stream().map(Schema.Column::name).toList());
                assertThat(m.reverse().toColumns()).hasSameElementsAs(oldSchema.table(t.source()).orElseThrow().columns()
                        .stream().map(Schema.Column::name).toList());
            }
        }
    }

    @Test
    void thePlanRoundTripLosesExactlyTheNonRoundTrippingEdgeCases() throws SQLException {
        Plan plan = PlanFile.read(PROJECT.plan());
        for (String table : List.of("users", "orders")) {
            TreeSet<Long> expected = new TreeSet<>();
            for (EdgeCase e : EdgeCase.values()) {
                if (e.table().equals(table) && !e.roundTrips()) {
                    expected.addAll(data.ids(e));
                }
            }
            assertThat(ids(roundTripLosses(mapping(plan.table(table).orElseThrow())))).as(table).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void theCorrectPlanLoadsIntoTheNewSchemaWithCentsRight() throws SQLException, java.io.IOException {
        Plan plan = PlanFile.read(PROJECT.plan());
        // the forward rows, computed in the old database, go into the new schema: every key, foreign key,
        // NOT NULL and CHECK of new-schema.sql accepts them (users first: orders refer to them)
        for (String table : List.of("users", "orders")) {
            Flow f = mapping(plan.table(table).orElseThrow()).forward();
            var buf = new java.io.ByteArrayOutputStream();
            try (Connection c = old.connect()) {
                c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyOut("COPY (" + f.select(null) + ") TO STDOUT", buf);
            }
            try (Connection c = fresh.connect()) {
                long n = c.unwrap(org.postgresql.PGConnection.class).getCopyAPI().copyIn(
                        "COPY " + f.toTable() + " (" + String.join(", ", f.toColumns().stream().map(dev.cutover.plan.SqlNames::quote).toList())
                                + ") FROM STDIN", new java.io.ByteArrayInputStream(buf.toByteArray()));
                assertThat(n).isEqualTo(table.equals("users") ? data.users() : data.orders());
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        try (Connection c = old.connect(); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT total_cents FROM (" + mapping(plan.table("orders").orElseThrow()).forward().select(
                    "total_amount IN (0.29, 1.15, 4.35, 1.005, 0.125)") + ") x");
            TreeSet<Long> cents = new TreeSet<>();
            while (rs.next()) {
                cents.add(rs.getLong(1));
            }
            assertThat(cents).isSubsetOf(29L, 115L, 435L, 101L, 13L).isNotEmpty();
        }
    }

    @Test
    void theNaivePlanBreaksOnPriorityWordsAndTruncatesCents() throws SQLException {
        Plan naive = PlanFile.read(PROJECT.naivePlan());
        Plan plan = PlanFile.read(PROJECT.plan());
        Flow naiveOrders = mapping(naive.table("orders").orElseThrow()).forward();
        try (Connection c = old.connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeQuery(naiveOrders.select(null)).close())
                    .hasMessageContaining("invalid input syntax for type integer: \"");
        }
        String cents = "SELECT (%s)::bigint FROM orders WHERE id = %d";
        String naiveExpr = naive.table("orders").orElseThrow().column("total_cents").orElseThrow().expr();
        String goodExpr = plan.table("orders").orElseThrow().column("total_cents").orElseThrow().expr();
        for (long id : data.ids(EdgeCase.FLOAT_ARTEFACT_AMOUNT)) {
            assertThat(count(cents.formatted(naiveExpr, id))).as("order " + id).isEqualTo(count(cents.formatted(goodExpr, id)) - 1);
        }
        // the naive name split loses the rest of a multi-word name and turns a single name into ''
        String naiveLosses = roundTripLosses(mapping(naive.table("users").orElseThrow()));
        assertThat(ids(naiveLosses)).containsAll(data.ids(EdgeCase.SINGLE_NAME)).containsAll(data.ids(EdgeCase.MULTI_WORD_NAME));
    }

    @Test
    void thePlanCheckReportsExactlyTheNonRoundTrippingRowsAndNothingWorse() {
        CheckReport report = checker().check(PlanFile.read(PROJECT.plan()));
        assertThat(report.count(Severity.PROBLEM)).as(report.findings().toString()).isZero();
        assertThat(lossyKeys(report, "name")).containsExactlyElementsOf(keys(data.ids(EdgeCase.IRREGULAR_SPACING_NAME)));
        assertThat(lossyKeys(report, "metadata")).containsExactlyElementsOf(keys(data.ids(EdgeCase.PRIORITY_WORD)));
        TreeSet<Long> amounts = new TreeSet<>(data.ids(EdgeCase.SUB_CENT_AMOUNT));
        amounts.addAll(data.ids(EdgeCase.FLOAT_SUM_AMOUNT));
        assertThat(lossyKeys(report, "total_amount")).containsExactlyElementsOf(keys(List.copyOf(amounts)));
    }

    @Test
    void thePlanCheckFindsTheNaivePlansFailures() {
        CheckReport report = checker().check(PlanFile.read(PROJECT.naivePlan()));
        Finding fails = report.findings().stream().filter(f -> f.kind().equals("transform_fails") && f.column().equals("priority"))
                .findFirst().orElseThrow(() -> new AssertionError("no transform_fails on priority in " + report.findings()));
        assertThat(fails.severity()).isEqualTo(Severity.PROBLEM);
        assertThat(fails.rows()).isEqualTo(data.ids(EdgeCase.PRIORITY_WORD).size());
        assertThat(lossyKeys(report, "total_amount")).containsAll(keys(data.ids(EdgeCase.FLOAT_ARTEFACT_AMOUNT)));
        assertThat(lossyKeys(report, "name")).containsAll(keys(data.ids(EdgeCase.SINGLE_NAME)));
    }

    private static PlanChecker checker() {
        return new PlanChecker(new Db("old database", old.url()), new Db("new database", fresh.url())).maxKeys(100_000);
    }

    private static List<String> lossyKeys(CheckReport report, String column) {
        return report.findings().stream().filter(f -> f.kind().equals("lossy_round_trip") && f.column().equals(column))
                .flatMap(f -> f.keys().stream()).sorted(java.util.Comparator.comparingLong(k -> Long.parseLong(k.replaceAll("\\D", ""))))
                .toList();
    }

    private static List<String> keys(List<Long> ids) {
        return ids.stream().map(id -> "{\"id\":" + id + "}").toList();
    }

    /** SQL listing the ids of source rows that forward-then-reverse does not bring back equal (run in the old database). */
    private static String roundTripLosses(MappingSql m) {
        Flow fwd = m.forward();
        Flow rev = m.reverse();
        List<String> cols = rev.toColumns();
        String back = "SELECT\n" + rev.projection("  ") + "\nFROM (" + fwd.select(null) + ") AS src";
        String src = cols.stream().map(c -> "o." + dev.cutover.plan.SqlNames.quote(c)).reduce((a, b) -> a + ", " + b).orElseThrow();
        String dst = cols.stream().map(c -> "b." + dev.cutover.plan.SqlNames.quote(c)).reduce((a, b) -> a + ", " + b).orElseThrow();
        return "SELECT o.id FROM " + fwd.fromTable() + " o JOIN (" + back + ") b ON b.id = o.id WHERE (" + src + ") IS DISTINCT FROM (" + dst + ")";
    }

    private static MappingSql mapping(TableMapping t) {
        return new MappingSql(t, oldSchema.table(t.source()).orElseThrow(), newSchema.table(t.target()).orElseThrow());
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("NULL");
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = old.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String text(TestDb db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static List<Long> ids(String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = old.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql + " ORDER BY 1")) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }
}
