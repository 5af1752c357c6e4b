package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.sql.Direction;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** verify → repair → verify is clean, in both directions, also while the truth keeps being written. */
@NeedsServers
class RepairTest {
    private static final String OLD = "CREATE TABLE \"Acct\" (id bigint PRIMARY KEY, name text, amount numeric(12,2));"
            + "INSERT INTO \"Acct\" SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 2000) g;";
    private static final String NEW = "CREATE TABLE \"Acct\" (id bigint PRIMARY KEY, name text, cents bigint);"
            + "INSERT INTO \"Acct\" SELECT g, 'n' || g, g * 150 FROM generate_series(1, 2000) g;";

    private static String plan(String name) {
        return """
                {"version": 1, "name": "%s", "tables": [{
                  "source": {"schema": "public", "table": "Acct"}, "target": {"schema": "public", "table": "Acct"},
                  "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "name", "expr": "name"},
                              {"target": "cents", "expr": "round(amount * 100)::bigint"}],
                  "dropped": [],
                  "reverse": [{"target": "amount", "expr": "cents / 100.0"}]}]}""".formatted(name);
    }

    @Test
    void verifyRepairVerifyForward() {
        try (Pair p = new Pair("repair_fwd")) {
            p.old.exec(OLD);
            p.neu.exec(NEW + "DELETE FROM \"Acct\" WHERE id IN (3, 1500); INSERT INTO \"Acct\" VALUES (9000, 'x', 1);"
                    + "UPDATE \"Acct\" SET name = '' WHERE id = 10; UPDATE \"Acct\" SET cents = 0 WHERE id = 11");
            p.plan(plan("repair-fwd"));
            assertThat(p.run("verify").status()).isEqualTo(1);
            Pair.Run repair = p.run("repair");
            assertThat(repair.status()).as(repair.err()).isEqualTo(0);
            assertThat(repair.out()).contains("the old database is the truth")
                    .contains("REPAIRED: 4 rows upserted and 1 deleted in the new database");
            Pair.Run after = p.run("verify");
            assertThat(after.status()).as(after.out()).isEqualTo(0);
            assertThat(after.out()).contains("IDENTICAL: 2,000 rows compared");
        }
    }

    @Test
    void ordersRepairedBeforeTheirUsersBringTheUsersAlongAndUsersGoneTakeTheirOrders() {
        // the plan lists orders first, so its chunks are repaired before any user's; the new side's foreign
        // key wants each order's user there first (the sample's orders -> users, tenant in the key)
        try (Pair p = new Pair("repair_fk")) {
            p.old.exec("CREATE TABLE users (id bigint PRIMARY KEY, company_id int NOT NULL, name text);"
                    + "CREATE TABLE orders (id bigint PRIMARY KEY, company_id int NOT NULL, user_id bigint NOT NULL);"
                    + "INSERT INTO users SELECT g, 1 + g % 3, 'u' || g FROM generate_series(1, 300) g;"
                    + "INSERT INTO orders SELECT g, 1 + (g % 300 + 1) % 3, g % 300 + 1 FROM generate_series(1, 1500) g;");
            p.neu.exec("CREATE TABLE users (id bigint PRIMARY KEY, tenant_id int NOT NULL, name text, UNIQUE (tenant_id, id));"
                    + "CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id int NOT NULL, user_id bigint NOT NULL,"
                    + " FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id));"
                    + "INSERT INTO users SELECT g, 1 + g % 3, 'u' || g FROM generate_series(1, 250) g;"         // 251..300 missing
                    + "INSERT INTO users VALUES (999, 1, 'gone from the truth');"
                    + "INSERT INTO orders SELECT g, 1 + (g % 300 + 1) % 3, g % 300 + 1 FROM generate_series(1, 1500) g"
                    + " WHERE g % 300 + 1 <= 250;"                                                              // their orders too
                    + "INSERT INTO orders VALUES (5000, 1, 999), (5001, 1, 999);");
            p.plan("""
                    {"version": 1, "name": "repair-fk", "tables": [
                      {"source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
                       "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "tenant_id", "expr": "company_id"},
                                                  {"target": "user_id", "expr": "user_id"}]},
                      {"source": {"schema": "public", "table": "users"}, "target": {"schema": "public", "table": "users"},
                       "key": ["id"], "columns": [{"target": "id", "expr": "id"}, {"target": "tenant_id", "expr": "company_id"},
                                                  {"target": "name", "expr": "name"}]}]}""");
            assertThat(p.run("verify").status()).isEqualTo(1);
            Pair.Run repair = p.run("repair");
            assertThat(repair.status()).as(repair.err()).isEqualTo(0);
            Pair.Run after = p.run("verify");
            assertThat(after.status()).as(after.out()).isEqualTo(0);
            assertThat(after.out()).contains("IDENTICAL: 1,800 rows compared");
        }
    }

    @Test
    void repairOfChosenDifferencesResyncsOnlyThoseKeysAndComparesThemAgain() {
        try (Pair p = new Pair("repair_sel")) {
            p.old.exec(OLD);
            p.neu.exec(NEW + "DELETE FROM \"Acct\" WHERE id = 3; INSERT INTO \"Acct\" VALUES (9000, 'x', 1);"
                    + "UPDATE \"Acct\" SET name = '' WHERE id = 10; UPDATE \"Acct\" SET cents = 0 WHERE id = 11");
            p.plan(plan("repair-sel"));
            VerifyReport found = p.verify(Direction.FORWARD);
            assertThat(found.differences()).isEqualTo(4);
            java.util.List<Difference> chosen = found.firstDifferences().stream()
                    .filter(d -> java.util.Set.of(3L, 9000L, 10L).contains(d.key().get("id").asLong())).toList();
            assertThat(chosen).hasSize(3);
            // the truth changes after the verify: the repair re-reads it, and the re-check sees what is there now
            p.old.exec("UPDATE \"Acct\" SET name = 'renamed' WHERE id = 10");

            Repairer.Selected r = new Repairer(p.parsed(), p.oldDb(), p.newDb(), VerifyOptions.defaults(Direction.FORWARD),
                    VerifyListener.NONE).repair(chosen);
            assertThat(r.upserted()).isEqualTo(2);
            assertThat(r.deleted()).isEqualTo(1);
            assertThat(r.stillDiffering()).isEmpty();
            assertThat(r.tables()).containsExactly(new TableRepair("Acct", 2, 1));

            VerifyReport after = p.verify(Direction.FORWARD);
            assertThat(after.firstDifferences()).extracting(d -> d.key() + " " + d.kind().wireName() + " " + d.columns())
                    .containsExactly("{\"id\":11} different [cents]");
        }
    }

    @Test
    void inReverseARowThatOnlyALossyMappingChangedIsNoDifferenceAndRepairKeepsTheOldOriginal() {
        // 10.555 -> 1056 cents -> 10.56: the reverse mapping cannot give the original back, yet nothing was lost.
        // Row 3 differs for real: the new side's write of 2,000 cents never reached the old database.
        String migration = TestRedis.uniqueMigration("repair-lossy");
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (Pair p = new Pair("repair_lossy"); StatefulRedisConnection<String, String> redis = client.connect()) {
            ControlKeys keys = new ControlKeys(migration);
            redis.sync().set(keys.phase(), "new_primary");
            p.old.exec("CREATE TABLE \"Acct\" (id bigint PRIMARY KEY, name text, amount numeric(12,3));"
                    + "INSERT INTO \"Acct\" SELECT g, 'n' || g, g * 1.5 FROM generate_series(1, 100) g;"
                    + "UPDATE \"Acct\" SET amount = 10.555 WHERE id IN (1, 2, 3); UPDATE \"Acct\" SET amount = 0.125 WHERE id = 4;");
            p.neu.exec("CREATE TABLE \"Acct\" (id bigint PRIMARY KEY, name text, cents bigint);"
                    + "INSERT INTO \"Acct\" SELECT g, 'n' || g, g * 150 FROM generate_series(1, 100) g;"
                    + "UPDATE \"Acct\" SET cents = 1056 WHERE id IN (1, 2); UPDATE \"Acct\" SET cents = 2000 WHERE id = 3;"
                    + "UPDATE \"Acct\" SET cents = 13 WHERE id = 4;");
            p.plan(plan(migration));

            Pair.Run verify = p.run("verify", "--redis", TestRedis.sharedUrl());
            assertThat(verify.status()).as(verify.out()).isEqualTo(1);
            assertThat(verify.out()).contains("Acct {\"id\":3} different (amount)").doesNotContain("{\"id\":1}")
                    .doesNotContain("{\"id\":2}").doesNotContain("{\"id\":4}")
                    .contains("3 rows differ only through the plan's lossy reverse mapping")
                    .contains("DIFFERENCES: 1 in 100 rows compared");
            assertThat(redis.sync().hgetall(keys.verify())).containsEntry("differences", "1").containsEntry("lossy", "3");
            assertThat(ResultStore.latest(p.newDb(), migration).orElseThrow().tables()).extracting(TableReport::lossy).containsExactly(3L);

            Pair.Run repair = p.run("repair", "--redis", TestRedis.sharedUrl());
            assertThat(repair.status()).as(repair.err()).isEqualTo(0);
            assertThat(repair.out()).contains("1 rows upserted and 0 deleted in the old database");
            // the originals stay: a repair would have rounded them to 10.56 and 0.13
            assertThat(p.old.query("SELECT string_agg(id || '=' || amount, ',' ORDER BY id) FROM \"Acct\" WHERE id <= 4"))
                    .isEqualTo("1=10.555,2=10.555,3=20.000,4=0.125");
            Pair.Run after = p.run("verify", "--redis", TestRedis.sharedUrl());
            assertThat(after.status()).as(after.out()).isEqualTo(0);
            assertThat(after.out()).contains("3 rows differ only through").contains("IDENTICAL: 100 rows compared");
            redis.sync().del(keys.phase(), keys.verify());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void fromNewPrimaryOnTheNewDatabaseIsTheTruthAndTheOldOneIsRepaired() {
        String migration = TestRedis.uniqueMigration("repair-rev");
        RedisClient client = RedisClient.create(TestRedis.sharedUrl());
        try (Pair p = new Pair("repair_rev"); StatefulRedisConnection<String, String> redis = client.connect()) {
            ControlKeys keys = new ControlKeys(migration);
            redis.sync().set(keys.phase(), "new_primary");
            p.old.exec(OLD + "UPDATE \"Acct\" SET amount = 1.25 WHERE id = 4; DELETE FROM \"Acct\" WHERE id = 5;"
                    + "INSERT INTO \"Acct\" VALUES (7000, 'old only', 1)");
            p.neu.exec(NEW + "INSERT INTO \"Acct\" VALUES (8000, 'new only', 12345)");
            p.plan(plan(migration));

            Pair.Run before = p.run("verify", "--redis", TestRedis.sharedUrl());
            assertThat(before.status()).isEqualTo(1);
            assertThat(before.out()).contains("reverse (new database through the reverse mappings vs old database) (phase new_primary)")
                    .contains("Acct {\"id\":4} different (amount)", "Acct {\"id\":5} missing_in_target",
                            "Acct {\"id\":8000} missing_in_target", "Acct {\"id\":7000} extra_in_target");
            assertThat(redis.sync().hgetall(keys.verify())).containsEntry("clean", "false").containsEntry("direction", "reverse")
                    .containsEntry("differences", "4");

            Pair.Run repair = p.run("repair", "--redis", TestRedis.sharedUrl());
            assertThat(repair.status()).as(repair.err()).isEqualTo(0);
            assertThat(repair.out()).contains("the new database is the truth (phase new_primary), re-syncing the old database")
                    .contains("3 rows upserted and 1 deleted in the old database");
            // the repair changed rows: recorded, so the guard no longer takes the verification before it
            long repairedAt = Long.parseLong(redis.sync().hget(keys.verify(), "repaired_at"));
            assertThat(repairedAt).isGreaterThan(Long.parseLong(redis.sync().hget(keys.verify(), "at")));
            Pair.Run after = p.run("verify", "--redis", TestRedis.sharedUrl());
            assertThat(after.status()).as(after.out()).isEqualTo(0);
            Map<String, String> summary = redis.sync().hgetall(keys.verify());
            assertThat(summary).containsOnlyKeys("at", "clean", "rows_compared", "differences", "lossy", "direction", "sampled", "old_db", "new_db",
                    "plan_hash", "repaired_at")
                    .containsEntry("clean", "true").containsEntry("direction", "reverse").containsEntry("sampled", "false")
                    .containsEntry("rows_compared", "2001").containsEntry("differences", "0");
            assertThat(Long.parseLong(summary.get("at"))).isGreaterThan(System.currentTimeMillis() - 600_000).isGreaterThan(repairedAt);
            redis.sync().del(keys.phase(), keys.verify());
        } finally {
            client.shutdown();
        }
    }

    @Test
    void repairKeepsConvergingWhileTheTruthIsWritten() throws Exception {
        try (Pair p = new Pair("repair_live")) {
            p.old.exec(OLD);
            p.neu.exec(NEW + "DELETE FROM \"Acct\" WHERE id % 97 = 0; UPDATE \"Acct\" SET name = NULL WHERE id % 89 = 0");
            p.plan(plan("repair-live"));
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong writes = new AtomicLong();
            AtomicReference<Throwable> writerFailed = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try (Connection c = p.old.connect(); Statement s = c.createStatement()) {
                    long next = 10_000;
                    while (!stop.get()) {
                        int id = ThreadLocalRandom.current().nextInt(1, 2200);
                        switch (ThreadLocalRandom.current().nextInt(4)) {
                            case 0 -> s.execute("UPDATE \"Acct\" SET name = 'w" + writes.get() + "' WHERE id = " + id);
                            case 1 -> s.execute("UPDATE \"Acct\" SET amount = amount + 0.01 WHERE id = " + id);
                            case 2 -> s.execute("DELETE FROM \"Acct\" WHERE id = " + id);
                            default -> s.execute("INSERT INTO \"Acct\" VALUES (" + next++ + ", 'new', 2.5)");
                        }
                        writes.incrementAndGet();
                        Thread.sleep(1);
                    }
                } catch (Throwable t) {
                    writerFailed.set(t);
                }
            }, "writer");
            writer.start();
            try {
                // a verify while the truth changes: whatever it saw, repair re-reads the truth later
                assertThat(p.run("verify", "--chunk-rows", "300").status()).isEqualTo(1);
                for (int i = 0; i < 3; i++) {
                    Pair.Run r = p.run("repair", "--chunk-rows", "300");
                    assertThat(r.status()).as(r.err()).isEqualTo(0);
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(writerFailed.get()).isNull();
            assertThat(writes.get()).isGreaterThan(20);
            Pair.Run last = p.run("repair");
            assertThat(last.status()).as(last.err()).isEqualTo(0);
            Pair.Run clean = p.run("verify");
            assertThat(clean.status()).as(clean.out()).isEqualTo(0);
            assertThat(p.verify(Direction.REVERSE).identical()).isTrue();
        }
    }
}
