package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Results land in cutover.verification and the Redis summary; samples and partial runs are never clean. */
@NeedsServers
class StoredResultTest {
    private static final String T = "CREATE TABLE a (id int PRIMARY KEY, v text); INSERT INTO a SELECT g, 'v' || g FROM generate_series(1, 3000) g;"
            + "CREATE TABLE b (id int PRIMARY KEY); INSERT INTO b SELECT generate_series(1, 10);";

    private static String plan(String name) {
        return """
                {"version": 1, "name": "%s", "tables": [
                 {"source": {"schema": "public", "table": "a"}, "target": {"schema": "public", "table": "a"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "v"}], "dropped": []},
                 {"source": {"schema": "public", "table": "b"}, "target": {"schema": "public", "table": "b"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}], "dropped": []}]}""".formatted(name);
    }

    @Test
    void fullSampledAndPartialRuns() throws Exception {
        String migration = TestRedis.uniqueMigration("stored");
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (Pair p = new Pair("stored"); StatefulRedisConnection<String, String> redis = client.connect()) {
            ControlKeys keys = new ControlKeys(migration);
            p.old.exec(T);
            p.neu.exec(T + "UPDATE a SET v = 'changed' WHERE id = 2000");
            p.plan(plan(migration));

            Pair.Run full = p.run("verify", "--redis", TestRedis.sharedUrl());
            assertThat(full.status()).isEqualTo(1);
            assertThat(redis.sync().hgetall(keys.verify())).containsEntry("clean", "false").containsEntry("differences", "1")
                    .containsEntry("rows_compared", "3010").containsEntry("sampled", "false").containsEntry("direction", "forward");
            VerifyReport stored = ResultStore.latest(p.newDb(), migration).orElseThrow();
            assertThat(stored.tables()).containsExactly(new TableReport("a", 3000, 0, 0, 1), new TableReport("b", 10, 0, 0, 0));
            assertThat(stored.sampled()).isFalse();
            assertThat(stored.complete()).isTrue();

            p.neu.exec("UPDATE a SET v = 'v2000' WHERE id = 2000");
            Pair.Run sample = p.run("verify", "--sample", "100", "--redis", TestRedis.sharedUrl());
            assertThat(sample.status()).isEqualTo(0);
            assertThat(sample.out()).startsWith("SAMPLE verify").contains("SAMPLE: ").contains("not a proof");
            assertThat(redis.sync().hgetall(keys.verify())).containsEntry("clean", "false").containsEntry("sampled", "true")
                    .containsEntry("differences", "0");
            VerifyReport sampled = ResultStore.latest(p.newDb(), migration).orElseThrow();
            assertThat(sampled.sampled()).isTrue();
            assertThat(sampled.clean()).isFalse();
            assertThat(sampled.tables().get(0).rowsCompared()).isBetween(1L, 100L);

            String before = redis.sync().hget(keys.verify(), "at");
            Pair.Run partial = p.run("verify", "--table", "b", "--redis", TestRedis.sharedUrl());
            assertThat(partial.status()).isEqualTo(0);
            assertThat(partial.out()).contains("only some tables compared");
            assertThat(redis.sync().hget(keys.verify(), "at")).isEqualTo(before);
            assertThat(ResultStore.latest(p.newDb(), migration).orElseThrow().complete()).isFalse();

            assertThat(p.run("verify", "--redis", TestRedis.sharedUrl()).status()).isEqualTo(0);
            assertThat(redis.sync().hget(keys.verify(), "clean")).isEqualTo("true");
            try (Connection c = p.neu.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(DISTINCT run_id), count(*) FROM cutover.verification WHERE migration = '"
                         + migration + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(4);
                assertThat(rs.getInt(2)).isEqualTo(7);
            }
            redis.sync().del(keys.verify());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void progressEventsCoverEveryRow() {
        try (Pair p = new Pair("progress")) {
            p.old.exec(T);
            p.neu.exec(T);
            p.plan(plan("progress"));
            List<dev.cutover.work.TableProgress> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            VerifyListener l = new VerifyListener() {
                @Override
                public void onProgress(dev.cutover.work.ProgressEvent e) {
                    assertThat(e.job()).isEqualTo("verify");
                    e.tables().stream().filter(t -> t.table().equals("a")).forEach(events::add);
                }
            };
            VerifyReport r = new Verifier(p.parsed(), p.oldDb(), p.newDb(),
                    VerifyOptions.defaults(Direction.FORWARD).withChunkRows(500).withWork(w -> w.withWorkers(2).withProgressIntervalMillis(50)
                            .withLatencyLimitMillis(0)), l).verify();
            assertThat(r.clean()).isTrue();
            assertThat(events).isNotEmpty();
            assertThat(events.get(events.size() - 1).rowsDone()).as("the last event: every row of a compared").isEqualTo(3000);
            assertThat(events.get(events.size() - 1).state()).isEqualTo(dev.cutover.work.TableState.COMPLETE);
        }
    }
}
