package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input and failures mid-run: one clear line, exit 2, no verdict, no CSV, nothing stored. */
@NeedsServers
class BadInputTest {

    private static void assertOneLineError(Pair.Run r, String... parts) {
        assertThat(r.status()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err().lines().toList()).hasSize(1);
        assertThat(r.err()).startsWith("cutover: ").contains(parts).doesNotContain("Exception", "\tat ");
        assertThat(r.out()).doesNotContain("IDENTICAL", "DIFFERENCES", "REPAIRED");
    }

    @Test
    void planTableMissingOnEitherSide() {
        try (Pair p = new Pair("bad_missing")) {
            p.old.exec("CREATE TABLE a (id int PRIMARY KEY)");
            p.plan(Pair.identityPlan("bad", "a", List.of("id"), List.of("id")));
            assertOneLineError(p.run("verify"), "target table public.a does not exist in the new database");
            assertOneLineError(p.run("repair"), "target table public.a does not exist in the new database");
            p.plan(Pair.identityPlan("bad", "nope", List.of("id"), List.of("id")));
            assertOneLineError(p.run("verify"), "source table public.nope does not exist in the old database");
            assertOneLineError(p.run("verify", "--table", "zzz"), "plan bad has no table zzz");
            assertOneLineError(p.run("verify", "--direction", "sideways"), "--direction must be forward or reverse");
        }
    }

    @Test
    void aVerifyWorkerWithNothingToJoinOrWithoutRedis() {
        try (Pair p = new Pair("bad_worker")) {
            String migration = dev.cutover.testing.TestRedis.uniqueMigration("bad-worker");
            p.old.exec("CREATE TABLE a (id int PRIMARY KEY)");
            p.neu.exec("CREATE TABLE a (id int PRIMARY KEY)");
            p.plan(Pair.identityPlan(migration, "a", List.of("id"), List.of("id")));
            Pair.Run none = p.run("worker", "--job", "verify", "--redis", dev.cutover.testing.TestRedis.sharedUrl(), "--wait", "0");
            assertThat(none.status()).isEqualTo(2);
            assertThat(none.err().lines().toList()).hasSize(1);
            assertThat(none.err()).startsWith("cutover: no verify or repair of " + migration + " is running");
            assertOneLineError(p.run("worker", "--job", "sideways", "--redis", dev.cutover.testing.TestRedis.sharedUrl()),
                    "--job must be backfill or verify");
            assertThat(p.run("worker", "--job", "verify").err()).startsWith("cutover: worker needs --redis");
        }
    }

    @Test
    void targetMissingAColumnOrAMappingThatNoLongerFits() {
        try (Pair p = new Pair("bad_column")) {
            p.old.exec("CREATE TABLE a (id int PRIMARY KEY, name text, extra text)");
            p.neu.exec("CREATE TABLE a (id int PRIMARY KEY)");
            p.plan(Pair.identityPlan("bad", "a", List.of("id"), List.of("id", "name")));
            assertOneLineError(p.run("verify"), "target table public.a has no column \"name\"");
            p.neu.exec("ALTER TABLE a ADD COLUMN name text");
            p.old.exec("ALTER TABLE a DROP COLUMN name");
            Path csv = p.dir.resolve("d.csv");
            assertOneLineError(p.run("verify", "--csv", csv.toString()), "cannot compare table a on the old database",
                    "column \"name\" does not exist");
            assertThat(csv).doesNotExist();
        }
    }

    /** 3,000 rows whose old-side expression sleeps 2 ms a row: a chunk hash of 100 rows runs long enough to be killed in flight. */
    private static Pair slowPair(String label, String newSideChanges) {
        Pair p = new Pair(label);
        String t = "CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 3000) g;";
        p.old.exec(t + dev.cutover.testing.TestDb.SLOW_PASS);
        p.neu.exec(t + newSideChanges);
        p.plan("""
                {"version": 1, "name": "%s", "tables": [{
                  "source": {"schema": "public", "table": "big"}, "target": {"schema": "public", "table": "big"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "slow_pass(v, 0.002)"}],
                  "dropped": []}]}""".formatted(label));
        return p;
    }

    @Test
    void aConnectionDroppedMidRunWithoutRetriesEndsWithOneLineAndNoVerdict() throws Exception {
        try (Pair p = slowPair("bad_kill", "")) {
            Path csv = p.dir.resolve("d.csv");
            Pair.Run r = killOnceWhileComparing(p, "verify", "--chunk-rows", "100", "--retries", "0", "--latency-limit", "0",
                    "--csv", csv.toString());
            assertOneLineError(r, "big: chunk ", "comparing big failed on the old database");
            assertThat(csv).doesNotExist();
            assertThat(Files.list(p.dir).filter(f -> f.getFileName().toString().startsWith(".cutover-verify"))).isEmpty();
        }
    }

    @Test
    void aConnectionDroppedMidRunIsRetriedAndTheVerdictStaysExact() throws Exception {
        try (Pair p = slowPair("bad_retry", "UPDATE big SET v = 'x' WHERE id IN (5, 1500, 2999); DELETE FROM big WHERE id = 2000;"
                + "INSERT INTO big VALUES (4000, 'beyond the last key')")) {
            Path csv = p.dir.resolve("d.csv");
            Pair.Run r = killOnceWhileComparing(p, "verify", "--chunk-rows", "100", "--latency-limit", "0", "--csv", csv.toString());
            assertThat(r.status()).as(r.out() + r.err()).isEqualTo(1);
            assertThat(r.out()).contains("DIFFERENCES: 5 in 3,001 rows compared");
            assertThat(Files.readAllLines(csv)).hasSize(6);
        }
    }

    /** Runs a command while a killer thread drops every session of the old database once, while a chunk hash runs there. */
    private static Pair.Run killOnceWhileComparing(Pair p, String command, String... args) throws Exception {
        {
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger killed = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> killerFailed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread killer = new Thread(() -> {
                try {
                    // wait until verify is comparing chunks (or the command ended), then drop its sessions on the old side
                    org.awaitility.Awaitility.await().forever().pollInterval(java.time.Duration.ofMillis(20))
                            .until(() -> done.get() || comparing(p));
                    if (!done.get()) {
                        killed.set(p.old.killConnections());
                    }
                } catch (RuntimeException e) {
                    killerFailed.set(e);
                }
            });
            killer.start();
            Pair.Run r = p.run(command, args);
            done.set(true);
            killer.join();
            assertThat(killerFailed.get()).isNull();
            assertThat(killed.get()).as(r.toString()).isPositive();
            return r;
        }
    }

    /** True while a session of the old database runs a chunk hash. */
    private static boolean comparing(Pair p) {
        try (var c = java.sql.DriverManager.getConnection(dev.cutover.testing.TestDb.adminUrl());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + p.old.name()
                     + "' AND state = 'active' AND query LIKE '%coalesce(sum(h), 0)%' AND query NOT LIKE '%WHERE false'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
