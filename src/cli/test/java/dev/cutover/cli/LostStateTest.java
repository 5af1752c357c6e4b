package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.control.Actor;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis loses the control state (FLUSHALL): every machine notices it through the witness in the
 * new database — also one that never saw the state — refuses to start over, and the restore
 * command it prints, run as printed, brings back phase, version, salt and read percent.
 */
@NeedsServers
@Timeout(120)
class LostStateTest {
    private static final Pattern RESTORE = Pattern.compile("restore it with: (cutover phase .*?) \\(with the same --redis and --new");
    private static final ObjectMapper JSON = dev.cutover.io.Json.MAPPER;

    @AfterEach
    void clear() {
        System.clearProperty("cutover.state.dir");
    }

    record Run(int status, String out, String err) {
    }

    /** {@code cutover ARGS} as a machine whose local cache is {@code machine}. */
    private static Run on(Path machine, List<String> args) {
        System.setProperty("cutover.state.dir", machine.toString());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = CutoverCommand.run(args.toArray(String[]::new), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private static List<String> args(String line, String... connections) {
        List<String> a = new ArrayList<>(List.of(line.split(" ")));
        a.addAll(List.of(connections));
        return a;
    }

    /** The printed restore command, split as a shell would (double-quoted words kept whole), without "cutover". */
    private static List<String> restoreCommand(String text) {
        Matcher m = RESTORE.matcher(text);
        assertThat(m.find()).as("a restore command in: " + text).isTrue();
        List<String> words = new ArrayList<>();
        Matcher w = Pattern.compile("\"([^\"]*)\"|'([^']*)'|(\\S+)").matcher(m.group(1));
        while (w.find()) {
            words.add(w.group(1) != null ? w.group(1) : w.group(2) != null ? w.group(2) : w.group(3));
        }
        assertThat(words.get(0)).isEqualTo("cutover");
        return new ArrayList<>(words.subList(1, words.size()));
    }

    private static JsonNode state(Path machine, String... connections) throws Exception {
        Run r = on(machine, args("status --json", connections));
        return JSON.readTree(r.out());
    }

    @Test
    void aFlushIsNoticedFromEveryMachineAndThePrintedRestoreCommandWorks(@TempDir Path machineA, @TempDir Path machineB,
                                                                         @TempDir Path machineC) throws Exception {
        String migration = TestRedis.uniqueMigration("lost/state");
        try (TestRedis redis = TestRedis.startPrivate(); TestDb neu = TestDb.create("witness_new");
             RedisLink link = RedisLink.open(redis.url())) {
            String[] conn = {"--migration", migration, "--redis", redis.url(), "--new", neu.url()};
            assertThat(on(machineA, args("phase traffic_shift --override --reason setup", conn)).status()).isZero();
            assertThat(on(machineA, args("traffic 1 --sample-rate 0.2 --reason first-tenants", conn)).status()).isZero();
            JsonNode before = state(machineA, conn).path("state");
            assertThat(before.path("version").asLong()).isEqualTo(3);
            String salt = before.path("routing_salt").asText();
            // the witness row holds the state
            try (Connection c = neu.connect(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT version, phase, read_percent, routing_salt FROM cutover.control_witness")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(3);
                assertThat(rs.getString(2)).isEqualTo("traffic_shift");
                assertThat(rs.getInt(3)).isEqualTo(1);
                assertThat(rs.getString(4)).isEqualTo(salt);
            }

            link.sync().flushall();

            // machine B never saw the state: it is told the state is lost, and cannot start over
            Run status = on(machineB, args("status", conn));
            assertThat(status.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(status.out()).contains("STATE LOST").contains("holds no control state for migration " + migration)
                    .contains("the witness in cutover.control_witness of the new database").contains("holds version 3 (phase traffic_shift");
            Run startOver = on(machineB, args("phase backfill --reason start", conn));
            assertThat(startOver.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(startOver.err()).contains("holds no control state").contains("restore it with: cutover phase traffic_shift");
            // without the new database it may not start the state either
            Run blind = on(machineB, args("phase backfill --reason start", "--migration", migration, "--redis", redis.url()));
            assertThat(blind.status()).isEqualTo(ExitCodes.ERROR);
            assertThat(blind.err()).contains("needs the new database, where the witness of the state is kept");
            assertThat(link.sync().exists(new dev.cutover.control.ControlKeys(migration).version())).as("nothing started over").isZero();

            // the printed command, run as printed with this machine's connections, restores it
            List<String> restore = restoreCommand(status.out());
            restore.addAll(List.of("--redis", redis.url(), "--new", neu.url()));
            Run restored = on(machineB, restore);
            assertThat(restored.status()).as(restored.err()).isZero();
            assertThat(restored.out()).contains("restored at phase traffic_shift (version 4").contains("routing salt kept");
            JsonNode after = state(machineB, conn);
            assertThat(after.path("lost").isNull()).isTrue();
            assertThat(after.path("state").path("phase").asText()).isEqualTo("traffic_shift");
            assertThat(after.path("state").path("version").asLong()).isEqualTo(4);
            assertThat(after.path("state").path("routing_salt").asText()).isEqualTo(salt);
            assertThat(after.path("state").path("read_percent").asInt()).isEqualTo(1);
            assertThat(after.path("state").path("shadow_sample_rate").asDouble()).isEqualTo(0.2);
            // and the next change works, from either machine
            Run next = on(machineA, args("traffic 5 --reason next-step", conn));
            assertThat(next.status()).as(next.err()).isZero();
            assertThat(next.out()).contains("1% → 5% (version 5)");

            // second loss; a machine of an older version (no witness) starts over on the empty Redis
            link.sync().flushall();
            ControlState startedOver = new ControlPlane(new ControlStore(link, migration), GuardSettings.defaults())
                    .movePhase(ControlState.initial(), Phase.BACKFILL, new Actor("old", "client"), "start", false);
            assertThat(startedOver.version()).isEqualTo(1);
            // machine A saw the state: it says it was lost and started over, and its printed command restores it over the restart
            Run seen = on(machineA, args("status", conn));
            assertThat(seen.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(seen.out()).contains("STATE LOST").contains("holds version 1 of migration " + migration)
                    .contains("Redis lost the state and it was started over");
            List<String> again = restoreCommand(seen.out());
            again.addAll(List.of("--redis", redis.url(), "--new", neu.url()));
            Run restoredAgain = on(machineA, again);
            assertThat(restoredAgain.status()).as(restoredAgain.err()).isZero();
            JsonNode back = state(machineC, conn);
            assertThat(back.path("lost").isNull()).as(back.toString()).isTrue();
            assertThat(back.path("state").path("version").asLong()).isEqualTo(6);
            assertThat(back.path("state").path("read_percent").asInt()).isEqualTo(5);
            assertThat(back.path("state").path("routing_salt").asText()).isEqualTo(salt);

            // machine A without --new still notices a loss from its own cache, and prints the same way out
            link.sync().flushall();
            Run cacheOnly = on(machineA, args("status", "--migration", migration, "--redis", redis.url()));
            assertThat(cacheOnly.status()).isEqualTo(ExitCodes.FOUND);
            assertThat(cacheOnly.out()).contains("version 6 (phase traffic_shift) was seen before")
                    .contains("restore it with: cutover phase traffic_shift");
            List<String> third = restoreCommand(cacheOnly.out());
            third.addAll(List.of("--redis", redis.url(), "--new", neu.url()));
            assertThat(on(machineA, third).status()).isZero();
            assertThat(state(machineC, conn).path("state").path("version").asLong()).isEqualTo(7);
        }
    }

    @Test
    void aWitnessThatCannotBeWrittenIsSaidAndAStartWithoutItIsRefused(@TempDir Path machine) {
        String migration = TestRedis.uniqueMigration("witness-down");
        try (TestDb neu = TestDb.create("witness_down")) {
            String[] conn = {"--migration", migration, "--redis", TestRedis.sharedUrl(), "--new", neu.url()};
            String gone = neu.url().replace(neu.name(), neu.name() + "_gone");
            String[] unreachable = {"--migration", migration, "--redis", TestRedis.sharedUrl(), "--new", gone};
            Run start = on(machine, args("phase backfill --reason start", unreachable));
            assertThat(start.status()).isEqualTo(ExitCodes.ERROR);
            assertThat(start.err()).contains("whether it lost one cannot be told").contains("cannot read the control-state witness")
                    .contains("nothing was changed");
            assertThat(on(machine, args("phase backfill --reason start", conn)).status()).isZero();
            Run change = on(machine, args("phase dual_write --override --reason go", unreachable));
            assertThat(change.status()).isZero();
            assertThat(change.err()).contains("cutover: WARNING: the control-state witness was not updated: version 2 is in Redis, but "
                    + "cannot write the control-state witness");
            // once the new database is given again, status brings the witness up to date
            Run status = on(machine, args("status", conn));
            assertThat(status.out()).contains("witness       version 2 in cutover.control_witness").contains("brought up to date from version 1");
        }
    }
}
