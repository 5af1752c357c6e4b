package dev.cutover.ui.verify;

import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.sql.Direction;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.FxThread;
import dev.cutover.app.RunControls;
import dev.cutover.ui.verify.VerifyViewModel.TableRow;
import dev.cutover.verify.Difference;
import dev.cutover.verify.Repairer;
import dev.cutover.work.WorkerId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A verify run of the Verify screen from start to finish without a window (the FX thread only):
 * the real engine between two small databases with one planted difference of each kind, then a
 * repair of one chosen difference, then the CSV export of what is still listed.
 */
@NeedsServers
class VerifyRunTest {
    private final TestDb old = TestDb.create("vrun_old");
    private final TestDb neu = TestDb.create("vrun_new");
    private final String migration = TestRedis.uniqueMigration("vrun");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();

    @TempDir
    Path dir;

    @BeforeAll
    static void fx() throws Exception {
        FxThread.start();
    }

    @AfterEach
    void close() {
        tasks.close();
        old.close();
        neu.close();
    }

    @Test
    void aRunListsItsDifferencesPerTableAndARepairOfOneTakesItOut() throws Exception {
        String ddl = "CREATE TABLE orders (id bigint PRIMARY KEY, name text, note text);";
        old.exec(ddl + "INSERT INTO orders SELECT g, 'name ' || g, 'n' FROM generate_series(1, 200) g");
        neu.exec(ddl + "INSERT INTO orders SELECT g, 'name ' || g, 'n' FROM generate_series(1, 200) g;"
                + "DELETE FROM orders WHERE id = 7; INSERT INTO orders VALUES (500, 'stray', NULL);"
                + "UPDATE orders SET name = 'changed' WHERE id = 42");
        Plan plan = PlanFile.parse(VerifyViewTest.PLAN.formatted(migration), "plan.json");
        Db oldDb = new Db("old database", old.url());
        Db newDb = new Db("new database", neu.url());
        VerifyTables tables = new VerifyTables(() -> plan);
        VerifyRun run = new VerifyRun(tasks, new RunControls(), tables, 2); // keeps the first 2 while it runs
        AtomicReference<VerifyRun.Outcome> outcome = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        FxThread.run(() -> run.start("Verify of " + migration, new VerifyRun.Settings(plan, oldDb, newDb, TestRedis.sharedUrl(), 0, 2,
                List.of(), WorkerId.generate(), false), outcome::set, failure::set, () -> failure.set(new AssertionError("cancelled"))));
        await().atMost(60, TimeUnit.SECONDS).until(() -> outcome.get() != null || failure.get() != null);
        assertThat(failure.get()).isNull();

        assertThat(outcome.get().report().differences()).isEqualTo(3);
        assertThat(outcome.get().repaired()).isNull();
        FxThread.run(() -> {
            assertThat(tables.rows()).singleElement().satisfies(r -> {
                assertThat(r.table()).isEqualTo("public.orders");
                assertThat(r.state()).isEqualTo("done");
                assertThat(List.of(r.missingInTarget(), r.extraInTarget(), r.different())).containsExactly(1L, 1L, 1L);
            });
            assertThat(run.differences()).as("the finished run lists what the workflow kept").hasSize(2);
            assertThat(run.throttleState().get()).isEmpty();
        });
        assertThat(tables.direction()).isEqualTo(Direction.FORWARD);

        List<Difference> listed = FxThread.call(() -> List.copyOf(run.differences()));
        Difference picked = listed.get(0);
        AtomicReference<Repairer.Selected> repaired = new AtomicReference<>();
        FxThread.run(() -> run.repairSelected("Repair selected", plan, oldDb, newDb, TestRedis.sharedUrl(), List.of(picked),
                Direction.FORWARD, repaired::set, failure::set));
        await().atMost(60, TimeUnit.SECONDS).until(() -> repaired.get() != null || failure.get() != null);
        assertThat(failure.get()).isNull();
        assertThat(repaired.get().stillDiffering()).isEmpty();
        TableRow after = FxThread.call(() -> tables.rows().get(0));
        assertThat(after.missingInTarget() + after.extraInTarget() + after.different()).isEqualTo(2);
        assertThat(FxThread.call(() -> List.copyOf(run.differences()))).containsExactly(listed.get(1));

        Path file = dir.resolve("differences.csv");
        AtomicReference<String> said = new AtomicReference<>();
        FxThread.run(() -> new DifferenceExport(tasks).csv(file, run.differences(), said::set, (line, t) -> said.set(line)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> said.get() != null);
        assertThat(said.get()).isEqualTo("Exported 1 differences to differences.csv (owner-only, mode 0600).");
        assertThat(Files.readAllLines(file)).hasSize(2); // the header and the one row still listed
    }

    @Test
    void anExportThatCannotBeWrittenIsOneLine() throws Exception {
        AtomicReference<String> said = new AtomicReference<>();
        AtomicReference<Throwable> cause = new AtomicReference<>();
        Path file = dir.resolve("no such folder").resolve("x.csv");
        FxThread.run(() -> new DifferenceExport(tasks).csv(file, List.of(), said::set, (line, t) -> {
            cause.set(t);
            said.set(line);
        }));
        await().atMost(30, TimeUnit.SECONDS).until(() -> said.get() != null);
        assertThat(said.get()).startsWith("Export to " + file + " failed: ").doesNotContain("\n");
        assertThat(cause.get()).isNotNull();
    }
}
