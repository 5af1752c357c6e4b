package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every data error of a transform is a row error (point 6 of the hardening issue): under
 * {@code --on-error skip} exactly the failing rows are left out and recorded by key, every other row
 * of their chunks is copied, and no chunk is retried for a data error.
 */
@NeedsServers
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BackfillRowErrorsTest {
    /** Amounts in numeric dollars to integer cents: NaN and 1e12 dollars cannot become an integer. */
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "payments"},
              "target": {"schema": "public", "table": "payments"},
              "key": ["id"],
              "columns": [
                {"target": "id", "expr": "id"},
                {"target": "cents", "expr": "%s"},
                {"target": "fee", "expr": "fee"}
              ]
            }]}""";

    static final class Payments implements AutoCloseable {
        final TestDb old = TestDb.create("bf_rowerr_old");
        final TestDb neu = TestDb.create("bf_rowerr_new");
        final Plan plan;

        Payments(String migration, int rows, String centsExpr) {
            old.exec("CREATE TABLE payments (id bigint PRIMARY KEY, amount numeric, fee numeric);"
                    + "INSERT INTO payments SELECT g, g * 1.25, g % 7 FROM generate_series(1, " + rows + ") g");
            neu.exec("CREATE TABLE payments (id bigint PRIMARY KEY, cents integer NOT NULL, fee numeric(6, 2))");
            plan = PlanFile.parse(PLAN.formatted(migration, centsExpr), "plan.json");
        }

        Db oldDb() {
            return new Db("old database", old.url());
        }

        Db newDb() {
            return new Db("new database", neu.url());
        }

        @Override
        public void close() {
            old.close();
            neu.close();
        }
    }

    static BackfillOptions oneChunkOfAThousand() {
        return new BackfillOptions().work(w -> w.withWorkers(1).withChunkRows(1000, 1000, 1000).withLatencyLimitMillis(0)
                .withProgressIntervalMillis(100).withRetries(5, 20));
    }

    @Test
    void nanAndOutOfRangeAmountsAreSkippedRowByRowAndTheRestOfTheChunkIsCopied() throws Exception {
        try (Payments p = new Payments("bf-rowerr-skip", 1000, "round(amount * 100)::integer")) {
            // 0A000 cannot convert NaN to integer; 22003 integer out of range (old side, in the transform);
            // 22003 numeric field overflow (new side, fee numeric(6,2))
            p.old.exec("UPDATE payments SET amount = 'NaN' WHERE id IN (1, 500);"
                    + "UPDATE payments SET amount = 1e12 WHERE id IN (250, 1000);"
                    + "UPDATE payments SET fee = 123456789 WHERE id = 777");
            BackfillReport r = new BackfillEngine(p.oldDb(), p.newDb(), p.plan, oneChunkOfAThousand().onError(ErrorPolicy.SKIP)).run(null);

            assertThat(r.errors()).isEmpty();
            assertThat(r.complete()).isTrue();
            assertThat(r.skipped()).extracting(BackfillReport.SkippedRow::key)
                    .containsExactlyInAnyOrder("{\"id\": 1}", "{\"id\": 250}", "{\"id\": 500}", "{\"id\": 777}", "{\"id\": 1000}");
            assertThat(r.skipped()).filteredOn(s -> s.key().equals("{\"id\": 500}")).singleElement()
                    .extracting(BackfillReport.SkippedRow::error).asString().contains("NaN");
            assertThat(r.skipped()).filteredOn(s -> s.key().equals("{\"id\": 250}")).singleElement()
                    .extracting(BackfillReport.SkippedRow::error).asString().isEqualTo("column \"cents\": integer out of range [22003]");
            assertThat(r.skipped()).filteredOn(s -> s.key().equals("{\"id\": 777}")).singleElement()
                    .extracting(BackfillReport.SkippedRow::error).asString().isEqualTo("column \"fee\": numeric field overflow [22003]");
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM payments")).isEqualTo(995);
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM payments WHERE id IN (1, 250, 500, 777, 1000)")).isZero();
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM payments p WHERE cents = round(p.id * 1.25 * 100)")).isEqualTo(995);
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM cutover.backfill_skipped")).isEqualTo(5);
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM cutover.work_chunk WHERE attempts > 1")).isZero();
            assertThat(r.retries()).as("attempts made again").isZero();
            assertThat(r.counts()).singleElement().satisfies(c -> {
                assertThat(c.rowsRead()).isEqualTo(1000);
                assertThat(c.rowsWritten()).isEqualTo(995);
                assertThat(c.rowsSkipped()).isEqualTo(5);
            });
        }
    }

    @Test
    void byDefaultANanAmountStopsTheTableOnceNamingTheColumnAndTheFirstKeyWithoutRetries() throws Exception {
        try (Payments p = new Payments("bf-rowerr-stop", 1000, "(amount * 100)::integer")) {
            p.old.exec("UPDATE payments SET amount = 'NaN' WHERE id IN (600, 700)");
            BackfillReport r = new BackfillEngine(p.oldDb(), p.newDb(), p.plan, oneChunkOfAThousand()).run(null);

            assertThat(r.complete()).isFalse();
            assertThat(r.errors()).containsExactly("public.payments: row {\"id\":600} cannot be copied into column \"cents\": "
                    + "cannot convert NaN to integer [0A000] (fix the plan or the row, then run backfill again to resume; or use --on-error skip)");
            assertThat(r.retries()).isZero();
            assertThat(r.failedChunks()).singleElement().extracting(dev.cutover.work.ChunkLedger.Failed::attempts).isEqualTo(1);
            assertThat(Orders.count(p.neu, "SELECT count(*) FROM payments")).isZero();
        }
    }

    @Test
    void aStatementErrorFailsTheTableOnceNamingTheColumnAndIsNeverRetried() throws Exception {
        // the function compiles, so the plan resolves; its dynamic SQL is a syntax error (42601) on every row
        try (Payments p = new Payments("bf-rowerr-syntax", 3000, "round(amount * 100)::integer")) {
            p.old.exec("CREATE FUNCTION fee_of(numeric) RETURNS numeric LANGUAGE plpgsql AS $$ BEGIN EXECUTE 'SELEC 1'; RETURN $1; END $$");
            Plan plan = PlanFile.parse(PLAN.formatted("bf-rowerr-syntax", "round(amount * 100)::integer")
                    .replace("\"expr\": \"fee\"", "\"expr\": \"fee_of(fee)\""), "plan.json");
            BackfillReport r = new BackfillEngine(p.oldDb(), p.newDb(), plan, oneChunkOfAThousand()
                    .work(w -> w.withWorkers(2).withChunkRows(100, 100, 100))).run(null);

            assertThat(r.complete()).isFalse();
            assertThat(r.errors()).singleElement().asString().startsWith("public.payments: column \"fee\": the transform fails on the "
                    + "old database: syntax error at or near \"SELEC\"");
            assertThat(r.retries()).isZero();
            assertThat(r.failedChunks()).allSatisfy(f -> assertThat(f.attempts()).isEqualTo(1));
        }
    }
}
