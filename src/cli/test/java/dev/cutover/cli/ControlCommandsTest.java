package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The status, phase, traffic and audit commands against the shared Redis. */
@NeedsServers
class ControlCommandsTest {
    @TempDir
    static Path stateDir;
    /** The new database, where the control-state witness is kept (changes need it). */
    private static TestDb neu;
    private String migration;


    @BeforeAll
    static void stateDir() {
        System.setProperty("cutover.state.dir", stateDir.toString());
        neu = TestDb.create("control_cli_new");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("cutover.state.dir");
        neu.close();
    }

    @BeforeEach
    void name() {
        migration = TestRedis.uniqueMigration("cli");
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--migration", migration, "--redis", TestRedis.sharedUrl(), "--new", neu.url()));
        return runRaw(all.toArray(String[]::new));
    }

    static CliRun runRaw(String... args) {
        return CliRun.run(args);
    }

    @Test
    void statusOfAFreshMigration() throws Exception {
        CliRun r = run("status");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("phase         planning").contains("write target  old_only").contains("version       0")
                .contains("next phase    backfill   (no guard)");
        CliRun j = run("status", "--json");
        JsonNode n = dev.cutover.io.Json.MAPPER.readTree(j.out());
        assertThat(n.path("state").path("phase").asText()).isEqualTo("planning");
        assertThat(n.path("next_phase").asText()).isEqualTo("backfill");
        assertThat(n.path("lost").isNull()).isTrue();
    }

    @Test
    void aRefusedMoveExitsOneNamingTheGuardAndHowToOverride() {
        assertThat(run("phase", "backfill", "--reason", "go").status()).isZero();
        CliRun refused = run("phase", "dual_write");
        assertThat(refused.status()).isEqualTo(ExitCodes.FOUND);
        assertThat(refused.err()).startsWith("cutover: migration " + migration + ": cannot move from backfill to dual_write: "
                + "backfill complete: no backfill has run").contains("--override --reason").doesNotContain("Exception");
        assertThat(refused.err().lines().count()).isEqualTo(1);
        CliRun noReason = run("phase", "dual_write", "--override");
        assertThat(noReason.status()).isEqualTo(ExitCodes.ERROR);
        assertThat(noReason.err()).contains("needs a reason");
        CliRun forced = run("phase", "dual_write", "--override", "--reason", "copied by pg_dump");
        assertThat(forced.status()).isZero();
        assertThat(forced.out()).contains("backfill → dual_write (version 2; write target dual_write").contains("override audited");
        CliRun audit = run("audit");
        assertThat(audit.out().lines().toList()).hasSize(2);
        assertThat(audit.out().lines().toList().get(1)).contains("v2").contains("phase backfill → dual_write")
                .contains("OVERRIDE of [backfill complete: no backfill has run").contains("why: copied by pg_dump");
    }

    @Test
    void phaseWithoutANameShowsTheGuardsOfTheNextStep() {
        run("phase", "dual_write", "--override", "--reason", "setup");
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            link.sync().hset(new ControlKeys(migration).backfill(), Map.of(ControlKeys.Backfill.STATE, "complete",
                    ControlKeys.Backfill.ROWS_DONE, "10"));
        }
        CliRun r = run("phase");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("phase dual_write (write target dual_write").contains("next: shadow_read (all guards pass)")
                .contains("✓ backfill complete: 10 rows copied (state complete)").contains("✓ failed-write queue drained");
    }

    @Test
    void rollbackIsAlwaysAllowed() {
        run("phase", "new_primary", "--override", "--reason", "setup");
        CliRun r = run("phase", "shadow_read", "--reason", "errors on new");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("rolled back new_primary → shadow_read").contains("write target dual_write, read percent 0%");
    }

    @Test
    void trafficStepsAndSampleRate() throws Exception {
        CliRun outside = run("traffic", "1");
        assertThat(outside.status()).isEqualTo(ExitCodes.FOUND);
        assertThat(outside.err()).contains("only in phase traffic_shift (now planning)");
        run("phase", "traffic_shift", "--override", "--reason", "setup");
        assertThat(run("traffic", "1").status()).isZero();
        CliRun jump = run("traffic", "50");
        assertThat(jump.status()).isEqualTo(ExitCodes.FOUND);
        assertThat(jump.err()).contains("from 1% the next step up is 5%, not 50%");
        CliRun ok = run("traffic", "5", "--sample-rate", "0.2");
        assertThat(ok.out()).contains("shadow sample rate 0.01 → 0.2").contains("reads from the new side 1% → 5%");
        CliRun show = run("traffic");
        assertThat(show.out()).contains("5% of routing keys read from the new side").contains("next step up 25%, down 1%");
        assertThat(run("traffic", "101").err()).contains("PERCENT must be 0..100");
        CliRun json = run("audit", "--json");
        List<String> lines = json.out().lines().toList();
        assertThat(lines).hasSize(4);
        JsonNode last = dev.cutover.io.Json.MAPPER.readTree(lines.get(3));
        assertThat(last.path("action").asText()).isEqualTo("traffic");
        assertThat(last.path("from").asText()).isEqualTo("1");
        assertThat(last.path("to").asText()).isEqualTo("5");
    }

    @Test
    void unreachableRedisIsOneLineAndExitTwo() {
        CliRun r = runRaw("status", "--migration", migration, "--redis", "redis://127.0.0.1:1");
        assertThat(r.status()).isEqualTo(ExitCodes.ERROR);
        assertThat(r.err()).startsWith("cutover: cannot reach Redis at redis://127.0.0.1:1: ");
        assertThat(r.err().lines().count()).isEqualTo(1);
        CliRun secret = runRaw("status", "--migration", migration, "--redis", "redis://app:s3cret@127.0.0.1:1");
        assertThat(secret.err()).contains("redis://app:***@127.0.0.1:1").doesNotContain("s3cret");
    }

    @Test
    void aLostStateIsReportedAndRestoredExplicitly() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate()) {
            String url = redis.url();
            String[] where = {"--migration", migration, "--redis", url, "--new", neu.url()};
            assertThat(runRaw(concat(new String[] {"phase", "shadow_read", "--override", "--reason", "setup"}, where)).status()).isZero();
            String salt = dev.cutover.io.Json.MAPPER.readTree(runRaw(concat(new String[] {"status", "--json"}, where)).out())
                    .path("state").path("routing_salt").asText();
            assertThat(Files.list(stateDir)).isNotEmpty();
            redis.kill();
            redis.start();
            CliRun status = runRaw(concat(new String[] {"status"}, where));
            assertThat(status.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(status.out()).contains("STATE LOST").contains("holds version 1 (phase shadow_read");
            CliRun move = runRaw(concat(new String[] {"phase", "backfill"}, where));
            assertThat(move.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(move.err()).contains("holds no control state").contains("--override --reason");
            assertThat(runRaw(concat(new String[] {"traffic", "0"}, where)).status()).isEqualTo(ExitCodes.FOUND);
            CliRun restore = runRaw(concat(new String[] {"phase", "shadow_read", "--override", "--reason", "restore after Redis loss"}, where));
            assertThat(restore.status()).isZero();
            assertThat(restore.out()).contains("restored at phase shadow_read (version 2");
            JsonNode after = dev.cutover.io.Json.MAPPER.readTree(runRaw(concat(new String[] {"status", "--json"}, where)).out());
            assertThat(after.path("state").path("routing_salt").asText()).isEqualTo(salt);
            assertThat(after.path("lost").isNull()).isTrue();
            assertThat(runRaw(concat(new String[] {"audit"}, where)).out()).contains("restore").contains("why: restore after Redis loss");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
