package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import com.fasterxml.jackson.databind.JsonNode;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cutover phase} waits for the routers after a write-target change; {@code status} and {@code phase} show a pending flip. */
@NeedsServers
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FlipCommandTest {
    @TempDir
    static Path stateDir;
    private String migration;
    private RedisLink link;
    private ControlKeys keys;
    /** The new database: the witness of the control state is kept there (starting a state needs it). */
    private static dev.cutover.testing.TestDb neu;

    @BeforeAll
    static void stateDir() {
        System.setProperty("cutover.state.dir", stateDir.toString());
        neu = dev.cutover.testing.TestDb.create("flip_cli_new");
    }

    @AfterAll
    static void clear() {
        neu.close();
        System.clearProperty("cutover.state.dir");
    }

    @BeforeEach
    void setUp() {
        migration = TestRedis.uniqueMigration("flipcli");
        link = RedisLink.open(TestRedis.sharedUrl());
        keys = new ControlKeys(migration);
    }

    @AfterEach
    void tearDown() {
        link.sync().del(keys.router("app-1"), keys.failedWrites());
        link.close();
    }

    @Test
    void aFlipNotAcknowledgedInTimeStaysInForceAndIsShownPendingUntilTheRouterAcknowledges() throws Exception {
        assertThat(run("phase", "traffic_shift", "--override", "--reason", "setup").status()).isZero();
        heartbeat(1, 1);
        link.sync().xadd(keys.failedWrites(), Map.of(ControlKeys.FailedWrite.TABLE, "orders", ControlKeys.FailedWrite.KEY,
                "{\"id\":1}", ControlKeys.FailedWrite.AT, "0", ControlKeys.FailedWrite.ERROR, "x",
                ControlKeys.FailedWrite.VERSION, "1", ControlKeys.FailedWrite.WRITE_TARGET, "dual_write"));
        CliRun move = run("phase", "new_primary", "--override", "--reason", "go", "--flip-timeout", "1s");
        assertThat(move.status()).isEqualTo(ExitCodes.FOUND);
        assertThat(move.out()).contains("traffic_shift → new_primary (version 2").contains("waiting up to 1 s");
        assertThat(move.err()).startsWith("cutover: migration " + migration + ": flip to new_primary PENDING after 1 s: ")
                .contains("not acknowledged by app-1 on h1 (applies version 1, acknowledged 1")
                .contains("1 failed write(s) still queued from before it (1 under dual_write)")
                .contains("not rolled back").doesNotContain("{\"id\"");
        assertThat(move.err().lines().count()).isEqualTo(1);
        CliRun status = run("status");
        assertThat(status.out()).contains("phase         new_primary").contains("FLIP PENDING  version 2");
        JsonNode json = dev.cutover.io.Json.MAPPER.readTree(run("status", "--json").out());
        assertThat(json.path("flip").path("complete").asBoolean()).isFalse();
        assertThat(json.path("flip").path("not_acknowledged").get(0).asText()).isEqualTo("app-1");
        assertThat(json.path("flip").path("queued_under_other_write_target").path("dual_write").asLong()).isEqualTo(1);
        assertThat(json.path("routers").get(0).path("acked_version").asLong()).isEqualTo(1);

        heartbeat(2, 2);
        link.sync().del(keys.failedWrites());
        CliRun phase = run("phase");
        assertThat(phase.out()).contains("routers: version 2 (write target new_primary) acknowledged by all 1 live router(s); "
                + "no failed write from another write target queued");
        CliRun back = run("phase", "traffic_shift", "--reason", "rollback", "--flip-timeout", "1s");
        assertThat(back.status()).as(back.err()).isEqualTo(ExitCodes.FOUND); // app-1 has not acknowledged version 3
        heartbeat(3, 3);
        CliRun again = run("phase", "new_primary", "--override", "--reason", "go", "--flip-timeout", "0s");
        assertThat(again.status()).as("--flip-timeout 0s does not wait").isZero();
        assertThat(again.out()).doesNotContain("waiting");
    }

    private void heartbeat(long version, long acked) {
        link.sync().hset(keys.router("app-1"), Map.of(ControlKeys.Heartbeat.VERSION, Long.toString(version),
                ControlKeys.Heartbeat.ACKED_VERSION, Long.toString(acked), ControlKeys.Heartbeat.HOST, "h1",
                ControlKeys.Heartbeat.AT, Long.toString(System.currentTimeMillis() + 30_000))); // live for the whole test
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--migration", migration, "--redis", TestRedis.sharedUrl(), "--new", neu.url()));
        return ControlCommandsTest.runRaw(all.toArray(String[]::new));
    }
}
