package dev.cutover.demo;

import dev.cutover.pg.Db;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change-capture proof at CI size: the sample application writing the old database with plain
 * JDBC (no router), backfill --with-sync killed and resumed, sync under the faults (the new
 * database's sessions killed and paused, the sync process killed, Redis restarted), writes flipped
 * to the new database with flip-writes and back again, on real PostgreSQL databases (wal_level
 * logical, old and new on two servers) and a private Redis. No failed request, no verify
 * difference, every acknowledged write in the new database.
 */
@NeedsServers
class SyncEndToEndTest {

    @Test
    void theMigrationWithSyncAndAFlipThereAndBackUnderLoadLosesNothing() throws Exception {
        SampleProject project = SampleProject.locate();
        try (TestDb old = TestDb.create("e2esync_old"); TestDb fresh = TestDb.createNew("e2esync_new");
             TestRedis redis = TestRedis.startPrivate("--appendonly", "yes", "--appendfsync", "always")) {
            try (Connection c = old.connect()) {
                new DataGenerator(new DataGenerator.Options(3000, 20, 11)).load(c, SampleProject.read(project.oldSchema()), n -> { });
            }
            fresh.exec(SampleProject.read(project.newSchema()));
            Path log = Files.createTempFile("cutover-e2e-sync", ".log");
            StringWriter text = new StringWriter();
            EndToEnd.Config cfg = new EndToEnd.Config(new Db("old database", old.url()), new Db("new database", fresh.url()), redis.url(),
                    project.plan(), 120, Duration.ofSeconds(3), 400, () -> {
                        redis.kill();
                        redis.start();
                    }, true, true);
            EndToEnd.Result r;
            try (PrintWriter out = new PrintWriter(text, true)) {
                r = new EndToEnd(cfg, out).run();
            } finally {
                Files.writeString(log, text.toString());
            }
            String why = "see " + log;
            assertThat(r.faults()).as(why).hasSize(5);
            assertThat(r.requests()).as(why).isGreaterThan(1000);
            assertThat(r.errors()).as(why + " " + text.toString().lines().filter(l -> l.contains(" × ")).toList()).isZero();
            assertThat(r.shed()).as(why).isZero();
            assertThat(r.verifyDifferences()).as(why).isZero();
            assertThat(r.writes().usersChecked() + r.writes().ordersChecked()).as(why).isPositive();
            assertThat(r.writes().missing()).as(why).isZero();
            assertThat(r.writes().different()).as(why).isZero();
            assertThat(r.flips()).as(why).hasSize(2).allMatch(f -> f.matches("to (new|old): write pause [0-9,]+ ms .*"));
            assertThat(r.segments()).extracting(LoadGenerator.Segment::label).as(why)
                    .contains("dual_write", "flip to new", "on new", "flip to old", "rolled back");
            assertThat(text.toString()).as(why).contains("SWITCH NOW: point the application's writes at the new database.")
                    .contains("SWITCH NOW: point the application's writes at the old database.").contains("== PASS");
        }
    }
}
