package dev.cutover.ui.backfill;

import dev.cutover.ui.TestConsole;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.Console;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backfill keeps polling Redis while it is shown, also when shown a second time: the window puts a
 * screen into a new scroll pane each time it shows it, and its view passes through no parent on the
 * way, which stopped the polling just after it started (the run summary stayed "No backfill run").
 * The run summary's line wraps at 1024×700, its error read whole.
 */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BackfillPollingTest {
    static final String ERROR = "public.orders: column \"total_cents\": the transform fails on the old database: column "
            + "\"total_amont\" does not exist (fix the plan or the schema, then run backfill again to resume)";

    @TempDir
    static Path dir;

    private final String migration = TestRedis.uniqueMigration("bf-poll");
    private final ControlKeys keys = new ControlKeys(migration);
    private Console console;
    private Stage stage;

    @Start
    void start(Stage stage) throws Exception {
        this.stage = stage;
        Path plan = dir.resolve("poll-" + System.nanoTime() + ".json");
        Files.writeString(plan, """
                {"version": 1, "name": "%s", "tables": [{"source": {"schema": "public", "table": "t"},
                 "target": {"schema": "public", "table": "t"}, "key": ["id"], "columns": [{"target": "id", "expr": "id"}]}]}
                """.formatted(migration));
        console = TestConsole.open(stage, dir, "--plan", plan.toString(), "--redis", TestRedis.sharedUrl());
    }

    @AfterEach
    void close() {
        console.close();
        try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
            l.sync().del(keys.backfill());
        }
    }

    @Test
    void theRunSummaryFollowsRedisOnBackfillShownFirstAndAgain(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        for (int pass = 0; pass < 2; pass++) {
            robot.interact(() -> console.window().show("backfill"));
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> console.backfill().summary().get().startsWith("No backfill run"));
            WaitForAsyncUtils.waitForFxEvents();
            // another worker's run appears in Redis after the screen's first poll: a later poll shows it
            String state = pass == 0 ? "running" : "failed";
            try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
                l.sync().hset(keys.backfill(), Map.of(ControlKeys.Backfill.STATE, state, ControlKeys.Backfill.ROWS_DONE, "5",
                        ControlKeys.Backfill.ROWS_TOTAL, "10", ControlKeys.Backfill.ERROR, pass == 0 ? "" : ERROR));
            }
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                    () -> console.backfill().summary().get().startsWith("Run in Redis (all workers): " + state));
            if (pass == 1) {
                // the run's error at the end of the line is read whole at 1024x700 (the line wraps)
                WaitForAsyncUtils.waitForFxEvents();
                assertThat(console.backfill().summary().get()).endsWith(ERROR);
                assertThat(dev.cutover.ui.Elided.under(robot.lookup("#backfill-summary").query())).isEmpty();
            }
            try (RedisLink l = RedisLink.open(TestRedis.sharedUrl())) {
                l.sync().del(keys.backfill());
            }
            robot.interact(() -> console.window().show("verify"));
        }
        assertThat(console.backfill().summary().get()).contains("5 of ~10 rows (estimate)");
    }
}
