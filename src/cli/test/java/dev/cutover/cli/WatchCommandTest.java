package dev.cutover.cli;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Actor;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.MetricsWriter;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.CliProcess;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cutover watch} as a real process: ramps down on bad metrics and stops cleanly on SIGTERM. */
@NeedsServers
class WatchCommandTest {

    @Test
    void theHeadlessWatchdogRampsDownAndStopsCleanlyOnSigterm(@org.junit.jupiter.api.io.TempDir Path stateDir) throws Exception {
        String migration = TestRedis.uniqueMigration("watch");
        List<String> cmd = new java.util.ArrayList<>(CliProcess.java());
        cmd.addAll(List.of("-Dcutover.state.dir=" + stateDir, "-cp", System.getProperty("java.class.path"),
                "dev.cutover.Main", "watch",
                "--migration", migration, "--redis", TestRedis.sharedUrl(), "--window", "2s", "--min-samples", "5",
                "--interval", "200ms", "--max-error-rate", "0.05"));
        Process p = CliProcess.isolated(new ProcessBuilder(cmd)).redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // process ended
            }
        });
        reader.start();
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            await(lines, "watching migration " + migration, p);
            ControlPlane plane = new ControlPlane(new ControlStore(link, migration), GuardSettings.defaults());
            Actor me = new Actor("dba", "h");
            plane.movePhase(plane.store().read(), Phase.TRAFFIC_SHIFT, me, "setup", true);
            plane.setReadPercent(plane.store().read(), 25, me, "setup", true);
            // the new side fails half its reads, in the seconds to come
            AtomicLong clock = new AtomicLong(System.currentTimeMillis() + 1000);
            try (MetricsWriter w = new MetricsWriter(link, new ControlKeys(migration), Duration.ofMinutes(1), clock::get, false)) {
                for (int s = 0; s < 30; s++) {
                    for (int i = 0; i < 10; i++) {
                        w.read(true, 2000, i % 2 == 0);
                    }
                    clock.addAndGet(1000);
                }
                w.flush();
            }
            await(lines, "RAMP-DOWN " + migration + ": read percent 25% → 5%", p);
            assertThat(lines).anyMatch(l -> l.contains("state: phase traffic_shift, read percent 5%"));
            AuditEntry e = plane.store().audit(1).get(0);
            assertThat(e.who()).startsWith("watchdog@");
            assertThat(e.why()).contains("new-side error rate 50%");

            // SIGTERM as a service manager sends it (Process.destroy would also close our end of its output)
            new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).inheritIO().start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

            reader.join(5000);
            assertThat(lines.get(lines.size() - 1)).as("exit %d, output:%n%s", p.exitValue(), String.join("\n", lines)).endsWith("stopped");
            assertThat(String.join("\n", lines)).doesNotContain("Exception");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void await(List<String> lines, String text, Process p) {
        org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .failFast("the command ended", () -> !p.isAlive() && lines.stream().noneMatch(l -> l.contains(text)))
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(lines.stream().anyMatch(l -> l.contains(text)))
                        .as(() -> "a line with '" + text + "'; output:\n" + String.join("\n", lines)).isTrue());
    }
}
