package dev.cutover.ui.mappings;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.FxThread;
import javafx.util.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The typing-pause expression check and the full plan check run, without a window (the FX thread
 * only, for the results), against a real old and new database.
 */
@NeedsServers
class LiveExpressionCheckTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");
    private static TestDb old;
    private static TestDb neu;
    private static Schema.Column cents;
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final ExpressionChecker checker = new ExpressionChecker();

    @BeforeAll
    static void databases() throws Exception {
        FxThread.start();
        old = TestDb.create("livecheck_old").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12,2) NOT NULL);"
                + "INSERT INTO orders SELECT g, g FROM generate_series(1, 30) g");
        neu = TestDb.create("livecheck_new").exec("CREATE TABLE orders (id bigint PRIMARY KEY, total_cents bigint NOT NULL)");
        cents = SchemaReader.read(new Db("new database", neu.url())).table(ORDERS).orElseThrow().column("total_cents").orElseThrow();
    }

    @AfterAll
    static void drop() {
        old.close();
        neu.close();
    }

    @AfterEach
    void close() {
        checker.close();
        tasks.close();
    }

    private static ExpressionChecker.Probe probe(String expr) {
        return new ExpressionChecker.Probe(ORDERS, cents, expr);
    }

    @Test
    void onlyWhatIsShownWhenTypingPausesIsAskedAndTheScreenRefreshedOnce() throws Exception {
        Db db = new Db("old database", old.url());
        AtomicReference<LiveExpressionCheck.Ask> ask = new AtomicReference<>();
        AtomicInteger judged = new AtomicInteger();
        LiveExpressionCheck live = FxThread.call(() -> new LiveExpressionCheck(checker, tasks, Duration.millis(150), ask::get,
                judged::incrementAndGet));
        FxThread.run(() -> {
            ask.set(new LiveExpressionCheck.Ask(db, List.of(probe("round(total * 10)::bigint"))));
            live.later();
            ask.set(new LiveExpressionCheck.Ask(db, List.of(probe("round(total * 100)::bigint"), probe("round(totl * 100)"))));
            live.later(); // typing went on: the wait starts again, and the first text is never asked
        });
        await().atMost(15, TimeUnit.SECONDS).until(() -> judged.get() == 1);
        assertThat(checker.verdict(probe("round(total * 100)::bigint"))).isEqualTo(ExpressionChecker.Verdict.VALID);
        assertThat(checker.verdict(probe("round(totl * 100)"))).isInstanceOf(ExpressionChecker.Verdict.Invalid.class);
        assertThat(checker.verdict(probe("round(total * 10)::bigint"))).isEqualTo(ExpressionChecker.Verdict.UNCHECKED);

        FxThread.run(live::now); // everything shown is judged: nothing asked, no refresh
        FxThread.run(() -> live.show(checker.verdict(probe("round(totl * 100)")), true));
        assertThat(judged).hasValue(1);
        assertThat(live.problem().get()).contains("totl");
        assertThat(live.checking().get()).isFalse();
    }

    @Test
    void anOldDatabaseThatCannotBeReachedIsSaidNotTakenAsTheExpressionsFault() throws Exception {
        TestDb gone = TestDb.create("livecheck_gone");
        Db db = new Db("old database", gone.url());
        gone.close(); // dropped: connecting fails
        AtomicInteger judged = new AtomicInteger();
        LiveExpressionCheck live = FxThread.call(() -> new LiveExpressionCheck(checker, tasks, Duration.millis(150),
                () -> new LiveExpressionCheck.Ask(db, List.of(probe("total"))), judged::incrementAndGet));
        FxThread.run(() -> {
            live.show(ExpressionChecker.Verdict.UNCHECKED, true);
            live.now();
        });
        assertThat(live.checking().get()).isTrue();
        await().atMost(15, TimeUnit.SECONDS).until(() -> FxThread.call(() -> live.problem().get()).startsWith("cannot check on the old database: "));
        assertThat(FxThread.call(() -> live.checking().get())).isFalse();
        assertThat(judged).hasValue(0);
        assertThat(checker.verdict(probe("total"))).isEqualTo(ExpressionChecker.Verdict.UNCHECKED);
    }

    @Test
    void thePlanCheckRunsInTheBackgroundAndSaysWhyItCannotStart() throws Exception {
        List<String> status = new java.util.concurrent.CopyOnWriteArrayList<>();
        PlanCheckRun run = new PlanCheckRun(tasks, status::add);
        Plan plan = new Plan(Plan.CURRENT_VERSION, "livecheck", List.of(new TableMapping(ORDERS, ORDERS, List.of("id"),
                List.of(new ColumnMapping("id", "id"), new ColumnMapping("total_cents", "round(total * 100)::bigint")), List.of(), List.of())));
        Db o = new Db("old database", old.url());
        Db n = new Db("new database", neu.url());
        assertThat(FxThread.call(() -> run.start(plan, o, null, r -> { }, e -> { }))).isFalse();
        assertThat(status).containsExactly("The plan check needs a plan and both databases connected");
        assertThat(run.checking().get()).isFalse();

        AtomicReference<dev.cutover.check.CheckReport> report = new AtomicReference<>();
        assertThat(FxThread.call(() -> run.start(plan, o, n, report::set, e -> { }))).isTrue();
        assertThat(status).last().isEqualTo("Checking the plan (dry run over every row)…");
        await().atMost(30, TimeUnit.SECONDS).until(() -> report.get() != null);
        assertThat(FxThread.call(() -> run.checking().get())).isFalse();
        assertThat(report.get().tables()).singleElement().satisfies(t -> assertThat(t.rowsChecked()).isEqualTo(30));
        assertThat(report.get().clean()).isTrue();
    }
}
