package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.work.ProgressEvent;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class BackfillFailuresTest {

    @Test
    void aRowFailingItsTransformStopsTheTableNamingTheKeyAndAResumeFinishes() throws Exception {
        try (Orders o = new Orders("bf_stop", "bf-stop", 2000)) {
            o.old.exec("UPDATE orders SET metadata = jsonb_set(metadata, '{priority}', '\"high\"') WHERE id = 1234");
            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);

            assertThat(r.complete()).isFalse();
            assertThat(r.errors()).singleElement().asString()
                    .isEqualTo("public.orders: row {\"id\":1234} cannot be copied into column \"priority\": invalid input syntax for type integer "
                            + "[22P02] (fix the plan or the row, then run backfill again to resume; or use --on-error skip)");
            assertThat(r.tables().get(0).state()).isEqualTo(dev.cutover.work.TableState.FAILED);
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM orders WHERE id = 1234")).isZero();
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM orders")).isLessThan(2000);
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM cutover.work_run WHERE state = 'failed' AND error LIKE '%{\"id\":1234}%'")).isOne();

            o.old.exec("UPDATE orders SET metadata = jsonb_set(metadata, '{priority}', '\"4\"') WHERE id = 1234");
            BackfillReport again = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);
            assertThat(again.complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
        }
    }

    @Test
    void skipAndRecordLeavesOutOnlyTheFailingRowsAndListsThem() throws Exception {
        try (Orders o = new Orders("bf_skip", "bf-skip", 2000)) {
            o.old.exec("UPDATE orders SET metadata = jsonb_set(metadata, '{priority}', '\"high\"') WHERE id IN (1, 777, 778, 2000);"
                    + "UPDATE orders SET total_amount = -5 WHERE id = 1500");
            o.neu.exec("ALTER TABLE orders ADD CHECK (total_cents >= 0)"); // fails on the new side
            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().onError(ErrorPolicy.SKIP)).run(null);

            assertThat(r.complete()).isTrue();
            assertThat(r.skipped()).extracting(BackfillReport.SkippedRow::key)
                    .containsExactlyInAnyOrder("{\"id\": 1}", "{\"id\": 777}", "{\"id\": 778}", "{\"id\": 1500}", "{\"id\": 2000}");
            assertThat(r.skipped()).filteredOn(s -> s.key().contains("1500")).singleElement()
                    .extracting(BackfillReport.SkippedRow::error).asString().contains("check constraint").doesNotContain("Failing row");
            assertThat(o.actual()).isEqualTo(o.expected("id NOT IN (1, 777, 778, 1500, 2000)")).hasSize(1995);
        }
    }

    /**
     * Every connection killed mid-run, the run lock's session with them: the engine stops rather than
     * copy without its lock (issue 14, 10), and the next run takes the lock again and resumes, so no
     * row is lost or doubled. ({@code cutover backfill} runs it again by itself: BackfillExitStatusTest.)
     */
    @Test
    void droppedConnectionsStopTheRunWithoutLosingOrDoublingRowsAndTheNextRunResumes() throws Exception {
        try (Orders o = new Orders("bf_drop", "bf-drop", 3000)) {
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            AtomicBoolean killed = new AtomicBoolean();
            BackfillEngine engine = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small().maxRowsPerSec(1500));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.run(e -> {
                events.add(e);
                if (!killed.get() && e.total().rowsDone() > 600) {
                    killed.set(true);
                    o.old.killConnections();
                    o.neu.killConnections();
                }
            })).isInstanceOf(dev.cutover.work.RunLockLost.class);
            assertThat(killed).isTrue();
            assertThat(Orders.count(o.neu, "SELECT count(*) FROM orders")).isLessThan(3000);

            BackfillReport r = new BackfillEngine(o.oldDb(), o.newDb(), o.plan, Orders.small()).run(null);
            assertThat(r.errors()).isEmpty();
            assertThat(r.complete()).isTrue();
            assertThat(o.actual()).isEqualTo(o.expected());
            assertThat(Orders.count(o.neu, "SELECT sum(rows) FROM cutover.work_chunk")).isEqualTo(3000);
        }
    }

    @Test
    void aStatementTheServerRefusesFailsTheTableOnceWithoutRetries() throws Exception {
        try (Orders o = new Orders("bf_fail", "bf-fail", 300)) {
            // a failure no retry cures (SQLSTATE 42501): the target table is locked out by a permission change
            o.neu.exec("CREATE ROLE bf_fail_user_" + o.neu.name() + " LOGIN PASSWORD 'bf-fail'; GRANT USAGE, CREATE ON SCHEMA public TO bf_fail_user_" + o.neu.name()
                    + "; GRANT SELECT ON orders TO bf_fail_user_" + o.neu.name());
            String url = o.neu.urlAs("bf_fail_user_" + o.neu.name(), "bf-fail");
            try {
                o.neu.exec("GRANT CREATE ON DATABASE " + o.neu.name() + " TO bf_fail_user_" + o.neu.name());
                BackfillReport r = new BackfillEngine(o.oldDb(), new dev.cutover.pg.Db("new database", url), o.plan,
                        Orders.small().work(w -> w.withWorkers(1).withRetries(2, 10))).run(null);
                assertThat(r.complete()).isFalse();
                assertThat(r.failedChunks()).singleElement().satisfies(f -> {
                    assertThat(f.range().toString()).isEqualTo("(start, 100]");
                    assertThat(f.attempts()).isEqualTo(1);
                });
                assertThat(r.retries()).isZero();
                assertThat(r.errors()).singleElement().asString()
                        .isEqualTo("public.orders: the new database refuses the copy: permission denied for table orders "
                                + "(fix the plan or the schema, then run backfill again to resume)");
            } finally {
                o.neu.exec("DROP OWNED BY bf_fail_user_" + o.neu.name());
                o.neu.close();
                o.old.exec("SELECT 1");
                try (var c = java.sql.DriverManager.getConnection(o.neu.serverAdminUrl());
                     var s = c.createStatement()) {
                    s.execute("DROP ROLE IF EXISTS bf_fail_user_" + o.neu.name());
                }
            }
        }
    }
}
