package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.WorkThrottle;
import dev.cutover.pg.DbException;
import dev.cutover.sql.Direction;
import dev.cutover.testing.CliProcess;
import dev.cutover.testing.TestRedis;
import dev.cutover.work.ProgressEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Verification on the shared chunk machinery with several workers: a second process joining
 * through Redis, a worker process killed mid-run (its chunk taken over when its lease expires),
 * pause and cap changes while running, a stopped run deciding nothing. Real PostgreSQL, real Redis,
 * a real child JVM for the kill.
 */
@NeedsServers
class VerifyWorkersTest {
    private static final String ITEMS = "CREATE TABLE items (id int PRIMARY KEY, v text);"
            + "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, %d) g;";

    private RedisClient client;
    private StatefulRedisConnection<String, String> redis;

    @BeforeEach
    void connect() {
        client = RedisClient.create(TestRedis.sharedUrl());
        redis = client.connect();
    }

    @AfterEach
    void disconnect() {
        redis.close();
        client.shutdown();
    }

    private static VerifyOptions options(String workerId) {
        return VerifyOptions.defaults(Direction.FORWARD).withWork(w -> w.withWorkers(1).withLatencyLimitMillis(0)
                .withRedisUrl(TestRedis.sharedUrl()).withProgressIntervalMillis(200).withWorkerId(workerId));
    }

    @Test
    void aJoiningWorkerSharesTheRunAndTheDifferencesOfBothMakeOneReport() throws Exception {
        String migration = TestRedis.uniqueMigration("vw-two");
        try (Pair p = new Pair("vw_two")) {
            p.old.exec(ITEMS.formatted(20_000));
            // one difference in every 500-row chunk: whichever process compares a chunk finds one
            p.neu.exec(ITEMS.formatted(20_000) + "UPDATE items SET v = 'changed' WHERE id % 500 = 250");
            p.plan(Pair.identityPlan(migration, "items", List.of("id"), List.of("id", "v")));
            VerifyOptions o = options("coordinator").withChunkRows(500).withMaxRowsPerSec(2_000);
            Verifier coordinator = new Verifier(p.parsed(), p.oldDb(), p.newDb(), o, VerifyListener.NONE);
            CompletableFuture<VerifyReport> report = CompletableFuture.supplyAsync(coordinator::verify);
            List<Difference> seenByJoiner = new CopyOnWriteArrayList<>();
            VerifyWorker joiner = new VerifyWorker(p.parsed(), p.oldDb(), p.newDb(), o.withWork(w -> w.withWorkerId("joiner")), new VerifyListener() {
                @Override
                public void difference(Difference d) {
                    seenByJoiner.add(d);
                }
            });
            VerifyWorker.Result joined = joiner.join(Duration.ofSeconds(60));
            VerifyReport r = report.get(120, TimeUnit.SECONDS);

            assertThat(joined.errors()).isEmpty();
            assertThat(joined.complete()).isTrue();
            assertThat(joined.rowsByThisProcess()).isPositive();
            assertThat(joined.differencesByThisProcess()).isEqualTo(seenByJoiner.size()).isPositive();
            assertThat(r.tables()).containsExactly(new TableReport("items", 20_000, 0, 0, 40));
            assertThat(r.firstDifferences()).extracting(d -> d.key().get("id").asInt())
                    .containsExactlyInAnyOrderElementsOf(expectedIds(40));
            assertThat(r.firstDifferences()).containsAll(seenByJoiner);

            // every chunk compared exactly once, by one of the two, and the chunks tile the key range
            String job = single(p, "SELECT DISTINCT job FROM cutover.work_chunk WHERE migration = '" + migration + "'");
            assertThat(rows(p, "SELECT count(*), sum(rows), count(*) FILTER (WHERE state = 'done') FROM cutover.work_chunk"
                    + " WHERE job = '" + job + "'")).containsExactly("40|20000|40");
            assertThat(rows(p, "SELECT DISTINCT worker FROM cutover.work_chunk WHERE job = '" + job + "' ORDER BY 1"))
                    .containsExactly("coordinator", "joiner");
            assertThat(rows(p, "SELECT count(*) FROM cutover.work_chunk c WHERE job = '" + job + "' AND seq > 1 AND lower_key IS DISTINCT FROM"
                    + " (SELECT upper_key FROM cutover.work_chunk b WHERE b.job = c.job AND b.seq = c.seq - 1)")).containsExactly("0");
            assertThat(rows(p, "SELECT worker, count(*) FROM cutover.verify_difference WHERE job = '" + job + "' GROUP BY 1 ORDER BY 1"))
                    .hasSize(2).allMatch(x -> x.startsWith("coordinator|") || x.startsWith("joiner|"));
            List<Difference> all = new ArrayList<>();
            coordinator.eachDifference(all::add);
            assertThat(all).hasSize(40);
            assertThat(redis.sync().exists(new ControlKeys(migration).verifyRun())).as("announcement withdrawn").isZero();
        }
    }

    @Test
    void aKilledWorkerProcessHasItsChunkTakenOverAndTheVerdictIsStillRight() throws Exception {
        String migration = TestRedis.uniqueMigration("vw-kill");
        ControlKeys keys = new ControlKeys(migration);
        try (Pair p = new Pair("vw_kill")) {
            p.old.exec(ITEMS.formatted(12_000) + dev.cutover.testing.TestDb.SLOW_PASS);
            p.neu.exec(ITEMS.formatted(12_000) + "UPDATE items SET v = 'changed' WHERE id % 1000 = 500;"
                    + "DELETE FROM items WHERE id = 7777; INSERT INTO items VALUES (99999, 'beyond the last key')");
            // the old side sleeps 1 ms a row: a 200-row chunk is compared for long enough to be killed in flight
            p.plan("""
                    {"version": 1, "name": "%s", "tables": [{
                      "source": {"schema": "public", "table": "items"}, "target": {"schema": "public", "table": "items"}, "key": ["id"],
                      "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "slow_pass(v, 0.001)"}],
                      "dropped": []}]}""".formatted(migration));
            VerifyOptions o = options("coordinator").withChunkRows(200).withWork(w -> w.withLeaseTtlMillis(1_500));
            CompletableFuture<VerifyReport> report = CompletableFuture.supplyAsync(
                    () -> new Verifier(p.parsed(), p.oldDb(), p.newDb(), o, VerifyListener.NONE).verify());
            CliProcess.await("the verify announced in Redis", 60_000, () -> redis.sync().exists(keys.verifyRun()) == 1, null);

            Path log = CliProcess.log();
            Process child = CliProcess.start(log, "worker", "--job", "verify", "--plan", p.plan.toString(), "--old", p.old.url(),
                    "--new", p.neu.url(), "--redis", TestRedis.sharedUrl(), "--workers", "1", "--lease-ttl", "1500",
                    "--latency-limit", "0", "--progress", "lines");
            long seq;
            try {
                CliProcess.await("the worker process has compared a chunk and holds the next", 120_000,
                        () -> count(p, "state = 'done' AND worker <> 'coordinator'") >= 1
                                && count(p, "state = 'claimed' AND worker <> 'coordinator'") >= 1, log);
                seq = Long.parseLong(single(p, "SELECT seq FROM cutover.work_chunk WHERE state = 'claimed' AND worker <> 'coordinator'"));
            } finally {
                child.destroyForcibly(); // SIGKILL: no polite stop, its lease stays until it expires
                assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            VerifyReport r = report.get(180, TimeUnit.SECONDS);

            List<Integer> expected = new ArrayList<>();
            for (int id = 500; id <= 12_000; id += 1000) {
                expected.add(id);
            }
            assertThat(r.tables()).containsExactly(new TableReport("items", 12_001, 1, 1, 12));
            assertThat(r.firstDifferences()).filteredOn(d -> d.kind() == Difference.Kind.DIFFERENT)
                    .extracting(d -> d.key().get("id").asInt()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(r.firstDifferences()).filteredOn(d -> d.kind() != Difference.Kind.DIFFERENT)
                    .extracting(d -> d.kind().wireName() + " " + d.key())
                    .containsExactlyInAnyOrder("missing_in_target {\"id\":7777}", "extra_in_target {\"id\":99999}");
            String job = single(p, "SELECT DISTINCT job FROM cutover.work_chunk WHERE migration = '" + migration + "'");
            assertThat(rows(p, "SELECT state, worker FROM cutover.work_chunk WHERE job = '" + job + "' AND seq = " + seq))
                    .as("chunk %d of the killed worker", seq).containsExactly("done|coordinator");
            assertThat(rows(p, "SELECT count(*) FILTER (WHERE state <> 'done'), sum(rows) FROM cutover.work_chunk WHERE job = '" + job + "'"))
                    .containsExactly("0|12000");
            assertThat(CliProcess.read(log)).contains("waiting up to");
        }
    }

    @Test
    void pausedThroughRedisAndTheCapRaisedWhileRunning() throws Exception {
        String migration = TestRedis.uniqueMigration("vw-pause");
        ControlKeys keys = new ControlKeys(migration);
        try (Pair p = new Pair("vw_pause")) {
            p.old.exec(ITEMS.formatted(20_000));
            p.neu.exec(ITEMS.formatted(20_000));
            p.plan(Pair.identityPlan(migration, "items", List.of("id"), List.of("id", "v")));
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            // 200 rows/s: 100 s for the table unless the cap is raised
            Verifier v = new Verifier(p.parsed(), p.oldDb(), p.newDb(), options("console").withChunkRows(100).withMaxRowsPerSec(200),
                    new VerifyListener() {
                        @Override
                        public void onProgress(ProgressEvent e) {
                            events.add(e);
                        }
                    });
            CompletableFuture<VerifyReport> report = CompletableFuture.supplyAsync(v::verify);
            CliProcess.await("three chunks compared", 60_000, () -> count(p, "state = 'done'") >= 3, null);

            redis.sync().hset(keys.workThrottle("verify"), WorkThrottle.PAUSED, "true");
            CliProcess.await("the pause applied from Redis", 20_000, () -> v.throttle().isPaused(), null);
            // the one worker finished the chunk in hand and waits in the throttle: nothing is running
            CliProcess.await("the worker held by the pause", 20_000, () -> v.throttle().heldByPause() == 1, null);
            long paused = count(p, "state = 'done'");
            // three more progress events (one every 200 ms) read the ledger after that: had a chunk
            // started, the worker would have left the pause
            int seen = events.size();
            CliProcess.await("three more progress events", 20_000, () -> events.size() >= seen + 3, null);
            assertThat(v.throttle().heldByPause()).as("the worker still held by the pause").isEqualTo(1);
            assertThat(count(p, "state = 'done'")).as("no chunk starts while paused").isEqualTo(paused);
            assertThat(events).anyMatch(e -> e.throttle().paused());

            redis.sync().hset(keys.workThrottle("verify"), WorkThrottle.PAUSED, "false");
            v.throttle().setMaxRowsPerSec(0);
            VerifyReport r = report.get(60, TimeUnit.SECONDS);
            assertThat(r.clean()).isTrue();
            assertThat(r.rowsCompared()).isEqualTo(20_000);
            assertThat(events).anyMatch(e -> e.throttle().maxRowsPerSec() == 0 && !e.throttle().paused());
            redis.sync().del(keys.workThrottle("verify"));
        }
    }

    @Test
    void aStoppedVerifyDecidesNothingAndTheNextComparesEverythingAfresh() throws Exception {
        String migration = TestRedis.uniqueMigration("vw-stop");
        try (Pair p = new Pair("vw_stop")) {
            p.old.exec(ITEMS.formatted(20_000));
            p.neu.exec(ITEMS.formatted(20_000) + "UPDATE items SET v = 'x' WHERE id = 19999");
            p.plan(Pair.identityPlan(migration, "items", List.of("id"), List.of("id", "v")));
            Verifier slow = new Verifier(p.parsed(), p.oldDb(), p.newDb(), options("first").withChunkRows(100).withMaxRowsPerSec(500),
                    VerifyListener.NONE);
            CompletableFuture<VerifyReport> first = CompletableFuture.supplyAsync(slow::verify);
            CliProcess.await("two chunks compared", 60_000, () -> count(p, "state = 'done'") >= 2, null);

            assertThatThrownBy(() -> p.verify(options("second")))
                    .isInstanceOf(DbException.class).hasMessageContaining("another verify or repair of " + migration + " is running");
            slow.stop();
            assertThatThrownBy(() -> first.get(60, TimeUnit.SECONDS)).hasCauseInstanceOf(CancellationException.class)
                    .cause().hasMessageContaining("stopped before every row was compared: no verdict");
            String oldJob = single(p, "SELECT DISTINCT job FROM cutover.work_chunk WHERE migration = '" + migration + "'");

            VerifyReport r = p.verify(options("third"));
            assertThat(r.tables()).containsExactly(new TableReport("items", 20_000, 0, 0, 1));
            assertThat(rows(p, "SELECT count(*) FROM cutover.work_chunk WHERE job = '" + oldJob + "'"))
                    .as("the stopped run's chunks are forgotten").containsExactly("0");
            assertThat(rows(p, "SELECT count(DISTINCT job), sum(rows) FROM cutover.work_chunk WHERE migration = '" + migration + "'"))
                    .containsExactly("1|20000");
        }
    }

    private static List<Integer> expectedIds(int n) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(i * 500 + 250);
        }
        return out;
    }

    /** Done chunks of any verify run of this test's databases matching {@code where}; 0 before the ledger exists. */
    private static long count(Pair p, String where) {
        try {
            return Long.parseLong(single(p, "SELECT count(*) FROM cutover.work_chunk WHERE starts_with(job, 'verify:') AND " + where));
        } catch (IllegalStateException e) {
            return 0;
        }
    }


    private static String single(Pair p, String sql) {
        List<String> r = rows(p, sql);
        if (r.size() != 1) {
            throw new IllegalStateException(sql + " gave " + r);
        }
        return r.get(0);
    }

    /** Rows of a query on the new database, columns joined by '|'. */
    private static List<String> rows(Pair p, String sql) {
        List<String> out = new ArrayList<>();
        try (Connection c = p.neu.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }
}
