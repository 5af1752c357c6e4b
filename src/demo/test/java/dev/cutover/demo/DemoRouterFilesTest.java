package dev.cutover.demo;

import dev.cutover.control.ControlStore;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.CliProcess;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cutover demo}'s sample router keeps its last-seen state and spill files with the demo's
 * own data ({@code $XDG_DATA_HOME/cutover/demo/router}, deleted by {@code --reset}), not in the
 * temporary folder, where they outlived every run ({@code /tmp/cutover-spill/saas-orders}).
 */
@NeedsServers
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class DemoRouterFilesTest {

    @Test
    void theRoutersFilesLiveWithTheDemosDataAndNothingIsLeftInTheTemporaryFolder(@TempDir Path dir) throws Exception {
        SampleProject project = SampleProject.locate();
        Path log = CliProcess.log();
        Path data = Files.createDirectories(dir.resolve("data"));
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        try (TestDb old = TestDb.create("demofiles_old"); TestDb fresh = TestDb.createNew("demofiles_new");
             TestRedis redis = TestRedis.startPrivate()) {
            try (Connection c = old.connect()) {
                new DataGenerator(new DataGenerator.Options(500, 10, 5)).load(c, SampleProject.read(project.oldSchema()), n -> { });
            }
            fresh.exec(SampleProject.read(project.newSchema()));
            Process demo = CliProcess.start(log, List.of("-Djava.io.tmpdir=" + tmp), Map.of("XDG_DATA_HOME", data.toString()),
                    "demo", "--no-console", "--keep-data", "--old", old.url(), "--new", fresh.url(), "--redis", redis.url(), "--rate", "20");
            try {
                CliProcess.await("the application running", 120_000, () -> read(log).contains("the sample application is running"), log);
                try (RedisLink link = RedisLink.open(redis.url())) {
                    ControlStore store = new ControlStore(link, "saas-orders");
                    CliProcess.await("the sample's router reporting", 60_000, () -> !store.routers().isEmpty(), log);
                }
                assertThat(data.resolve("cutover/demo/router")).isDirectory();
            } finally {
                demo.destroy(); // SIGTERM, as Ctrl-C
                assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as(read(log)).isTrue();
            }
            assertThat(demo.exitValue()).as(read(log)).isZero();
            try (Stream<Path> left = Files.list(tmp)) {
                assertThat(left.map(p -> p.getFileName().toString())).as("left in the temporary folder").noneMatch(n -> n.startsWith("cutover-spill"));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) {
        return CliProcess.output(log);
    }
}
