package dev.cutover.demo;

import dev.cutover.pg.Db;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The end-to-end proof run small, as {@link EndToEndTest} (through the router) and
 * {@link SyncEndToEndTest} (change capture) both run it: the sample's 3,000 orders on two test
 * servers, a private Redis the proof restarts, 120 requests/s for 3 s per phase; the output kept in
 * a temporary file the assertions name; the figures every proof must show checked here.
 */
final class ProofRun {
    final EndToEnd.Result result;
    final String text;
    final String why;

    private ProofRun(EndToEnd.Result result, String text, String why) {
        this.result = result;
        this.text = text;
        this.why = why;
    }

    static ProofRun run(String label, boolean sync) throws Exception {
        SampleProject project = SampleProject.locate();
        try (TestDb old = TestDb.create(label + "_old"); TestDb fresh = TestDb.createNew(label + "_new");
             TestRedis redis = TestRedis.startPrivate("--appendonly", "yes", "--appendfsync", "always")) {
            try (Connection c = old.connect()) {
                new DataGenerator(new DataGenerator.Options(3000, 20, 11)).load(c, SampleProject.read(project.oldSchema()), n -> { });
            }
            fresh.exec(SampleProject.read(project.newSchema()));
            Path log = Files.createTempFile("cutover-" + label, ".log");
            StringWriter text = new StringWriter();
            EndToEnd.Config cfg = new EndToEnd.Config(new Db("old database", old.url()), new Db("new database", fresh.url()), redis.url(),
                    project.plan(), 120, Duration.ofSeconds(3), 400, () -> {
                        redis.kill();
                        redis.start();
                    }, true, sync);
            EndToEnd.Result r;
            try (PrintWriter out = new PrintWriter(text, true)) {
                r = new EndToEnd(cfg, out).run();
            } finally {
                Files.writeString(log, text.toString());
            }
            ProofRun run = new ProofRun(r, text.toString(), "see " + log);
            run.assertTheThreeFiguresAreZero();
            // a proof that passed leaves nothing in the temporary folder: the output files it named are gone (this log too)
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("\\(output: ([^)]+)\\)").matcher(run.text);
            int n = 0;
            while (named.find()) {
                assertThat(Path.of(named.group(1))).as("a child's output after the proof passed").doesNotExist();
                n++;
            }
            assertThat(n).as("the proof names its children's output files").isPositive();
            Files.deleteIfExists(log);
            return run;
        }
    }

    /** No failed or shed request, no verify difference, every acknowledged write checked and there, and PASS. */
    private void assertTheThreeFiguresAreZero() {
        assertThat(result.requests()).as(why).isGreaterThan(1000);
        assertThat(result.errors()).as(why + " " + text.lines().filter(l -> l.contains(" × ")).toList()).isZero();
        assertThat(result.shed()).as(why).isZero();
        assertThat(result.verifyDifferences()).as(why).isZero();
        assertThat(result.writes().usersChecked() + result.writes().ordersChecked()).as(why).isPositive();
        assertThat(result.writes().missing()).as(why).isZero();
        assertThat(result.writes().different()).as(why).isZero();
        assertThat(text).as(why).contains("== PASS");
    }
}
