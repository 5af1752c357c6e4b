package dev.cutover.verify;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.control.VerifiedPair;
import dev.cutover.pg.DbIdentity;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A verification counts only for the databases and the plan it verified: a clean pair verified
 * under the same migration name does not open the guard for the real pair, nor does a
 * verification made with another plan.
 */
@NeedsServers
@Timeout(120)
class VerifiedIdentityTest {
    @TempDir
    static Path stateDir;

    @BeforeAll
    static void stateDir() {
        System.setProperty("cutover.state.dir", stateDir.toString());
    }

    @AfterAll
    static void clearStateDir() {
        System.clearProperty("cutover.state.dir");
    }

    private static final String TABLE = "CREATE TABLE items (id int PRIMARY KEY, v text);";

    private static String plan(String name, String expr) {
        return """
                {"version": 1, "name": "%s", "tables": [
                 {"source": {"schema": "public", "table": "items"}, "target": {"schema": "public", "table": "items"}, "key": ["id"],
                  "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "%s"}], "dropped": []}]}""".formatted(name, expr);
    }

    @Test
    void aCleanVerificationOfAnotherPairOrAnotherPlanDoesNotOpenTheGuard() throws Exception {
        String migration = TestRedis.uniqueMigration("identity");
        String redisUrl = TestRedis.sharedUrl();
        RedisClient client = RedisClient.create(redisUrl);
        try (Pair clean = new Pair("ident_a"); Pair real = new Pair("ident_b");
             StatefulRedisConnection<String, String> redis = client.connect()) {
            String fill = "INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 2000) g;";
            clean.old.exec(TABLE + fill);
            clean.neu.exec(TABLE + fill);
            real.old.exec(TABLE + fill);
            real.neu.exec(TABLE + fill + "DELETE FROM items WHERE id > 1000"); // 1,000 rows missing, never verified
            clean.plan(plan(migration, "v"));
            real.plan(plan(migration, "v"));

            // the clean pair A verifies clean under migration M
            Pair.Run verified = clean.run("verify", "--redis", redisUrl);
            assertThat(verified.status()).as(verified.out() + verified.err()).isZero();
            Map<String, String> summary = redis.sync().hgetall(new ControlKeys(migration).verify());
            DbIdentity aOld = DbIdentity.of(clean.oldDb());
            DbIdentity aNew = DbIdentity.of(clean.newDb());
            assertThat(summary).containsEntry("clean", "true").containsEntry(Verify.OLD_DB, aOld.wire())
                    .containsEntry(Verify.NEW_DB, aNew.wire()).containsEntry(Verify.PLAN_HASH, VerifiedPair.planHash(clean.parsed()));
            assertThat(aOld.systemIdentifier()).as("pg_control_system() is readable here").matches("[0-9]+");
            assertThat(aNew.database()).isEqualTo(clean.neu.name());
            // and cutover.verification keeps the same identity with the run
            try (Connection c = clean.neu.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT old_db, new_db, plan_hash FROM cutover.verification")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo(aOld.wire());
                assertThat(rs.getString(2)).isEqualTo(aNew.wire());
                assertThat(rs.getString(3)).isEqualTo(VerifiedPair.planHash(clean.parsed()));
            }

            // the real pair B, in shadow_read, asks for the guards of traffic_shift: refused, naming the mismatch
            assertThat(real.run("phase", "shadow_read", "--override", "--reason", "setup", "--redis", redisUrl).status()).isZero();
            Pair.Run shown = real.run("phase", "--redis", redisUrl);
            assertThat(shown.out()).contains("✗ verification clean and fresh: the latest verification is of other databases")
                    .contains("old database \"" + clean.old.name() + "\"")
                    .contains("this check is connected to old database \"" + real.old.name() + "\"")
                    .contains("this check is connected to new database \"" + real.neu.name() + "\"");
            Pair.Run move = real.run("phase", "traffic_shift", "--redis", redisUrl);
            assertThat(move.status()).isEqualTo(1);
            assertThat(move.err()).contains("cannot move from shadow_read to traffic_shift")
                    .contains("verification clean and fresh: the latest verification is of other databases")
                    .contains(clean.neu.name()).contains(real.neu.name());

            // evaluated for pair A itself, the verification guard passes
            assertThat(clean.run("phase", "--redis", redisUrl).out())
                    .contains("✓ verification clean and fresh: 2,000 rows compared, 0 differences");

            // the plan changed since the verification (same databases): refused
            Files.writeString(clean.plan, plan(migration, "v || ''"));
            Pair.Run changed = clean.run("phase", "--redis", redisUrl);
            assertThat(changed.out()).contains("✗ verification clean and fresh: the latest verification is of other databases or another plan")
                    .contains("the verification ran with plan " + VerifiedPair.shortHash(summary.get(Verify.PLAN_HASH)))
                    .contains("but this check has plan " + VerifiedPair.shortHash(VerifiedPair.planHash(clean.parsed())));

            // a check that is given no database and no plan cannot match it either, and says what it would need
            Pair.Run blind = ControlRun.run("phase", "--migration", migration, "--redis", redisUrl);
            assertThat(blind.out()).contains("✗ verification clean and fresh: cannot check that the latest verification")
                    .contains("this check has no old database (--old), no new database (--new), no plan (--plan)");
        } finally {
            client.shutdown();
        }
    }

    /** A command without --plan/--old/--new. */
    private static final class ControlRun {
        static Pair.Run run(String... args) {
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int status = dev.cutover.cli.CutoverCommand.run(args, new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true));
            return new Pair.Run(status, out.toString(), err.toString());
        }
    }
}
