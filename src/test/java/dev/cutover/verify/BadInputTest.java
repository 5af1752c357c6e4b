package dev.cutover.verify;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input and failures mid-run: one clear line, exit 2, no verdict, no CSV, nothing stored. */
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

    @Test
    void aConnectionDroppedMidRunEndsWithOneLineAndNoVerdict() throws Exception {
        try (Pair p = new Pair("bad_kill")) {
            String t = "CREATE TABLE big (id int PRIMARY KEY, v text); INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 30000) g;";
            p.old.exec(t);
            p.neu.exec(t);
            p.plan(Pair.identityPlan("kill", "big", List.of("id"), List.of("id", "v")));
            Path csv = p.dir.resolve("d.csv");
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger killed = new AtomicInteger();
            java.util.concurrent.atomic.AtomicReference<Throwable> killerFailed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread killer = new Thread(() -> {
                try {
                    // wait until verify is comparing chunks, then drop its sessions on the old side
                    while (!done.get() && killed.get() == 0) {
                        Thread.sleep(100);
                        if (comparing(p)) {
                            killed.set(p.old.killConnections());
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (RuntimeException e) {
                    killerFailed.set(e);
                }
            });
            killer.start();
            Pair.Run r = p.run("verify", "--chunk-rows", "100", "--max-rows-per-sec", "5000", "--csv", csv.toString());
            done.set(true);
            killer.join();
            assertThat(killerFailed.get()).isNull();
            assertThat(killed.get()).as(r.toString()).isPositive();
            assertOneLineError(r, "comparing big failed on the old database");
            assertThat(csv).doesNotExist();
            assertThat(Files.list(p.dir).filter(f -> f.getFileName().toString().startsWith(".cutover-verify"))).isEmpty();
        }
    }

    /** True once a session of the old database has run a chunk hash. */
    private static boolean comparing(Pair p) {
        try (var c = java.sql.DriverManager.getConnection(dev.cutover.testing.TestDb.adminUrl());
             var s = c.createStatement();
             var rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + p.old.name()
                     + "' AND query LIKE '%coalesce(sum(h), 0)%' AND query NOT LIKE '%WHERE false'")) {
            rs.next();
            return rs.getInt(1) > 0;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
