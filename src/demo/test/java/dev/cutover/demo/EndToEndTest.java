package dev.cutover.demo;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
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
 * The end-to-end proof at CI size: the whole sample migration, plan check to cleanup, under a
 * fixed-rate load with the four faults, on real PostgreSQL databases and a private Redis. The
 * application must see no failed request, verify no difference, and every acknowledged write
 * must be in the new database.
 */
@NeedsServers
class EndToEndTest {

    @Test
    void theWholeMigrationUnderLoadWithFaultsLosesNothing() throws Exception {
        SampleProject project = SampleProject.locate();
        try (TestDb old = TestDb.create("e2e_old"); TestDb fresh = TestDb.createNew("e2e_new");
             TestRedis redis = TestRedis.startPrivate("--appendonly", "yes", "--appendfsync", "always")) {
            try (Connection c = old.connect()) {
                new DataGenerator(new DataGenerator.Options(3000, 20, 11)).load(c, SampleProject.read(project.oldSchema()), n -> { });
            }
            fresh.exec(SampleProject.read(project.newSchema()));
            Path log = Files.createTempFile("cutover-e2e", ".log");
            StringWriter text = new StringWriter();
            EndToEnd.Config cfg = new EndToEnd.Config(new Db("old database", old.url()), new Db("new database", fresh.url()), redis.url(),
                    project.plan(), 120, Duration.ofSeconds(3), 400, () -> {
                        redis.kill();
                        redis.start();
                    }, true);
            EndToEnd.Result r;
            try (PrintWriter out = new PrintWriter(text, true)) {
                r = new EndToEnd(cfg, out).run();
            } finally {
                Files.writeString(log, text.toString());
            }
            String why = "see " + log;
            assertThat(r.faults()).as(why).hasSize(4);
            assertThat(r.requests()).as(why).isGreaterThan(1000);
            assertThat(r.errors()).as(why + " " + text.toString().lines().filter(l -> l.contains(" × ")).toList()).isZero();
            assertThat(r.shed()).as(why).isZero();
            assertThat(r.verifyDifferences()).as(why).isZero();
            assertThat(r.writes().usersChecked() + r.writes().ordersChecked()).as(why).isPositive();
            assertThat(r.writes().missing()).as(why).isZero();
            assertThat(r.writes().different()).as(why).isZero();
            assertThat(r.segments()).extracting(LoadGenerator.Segment::label).as(why).contains("dual_write", "traffic 25%", "new_primary", "cleanup");
            assertThat(text.toString()).contains("== PASS");
        }
    }
}
