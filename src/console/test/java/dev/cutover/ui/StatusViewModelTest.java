package dev.cutover.ui;

import dev.cutover.control.Actor;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlWitness;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.pg.Db;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import javafx.scene.Scene;
import javafx.scene.layout.Pane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The status bar's phase against the real control plane in the shared Redis (a unique migration per test). */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class StatusViewModelTest {
    private final String migration = TestRedis.uniqueMigration("status");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private final ConsoleRedis redis = new ConsoleRedis();
    private final RedisLink link = RedisLink.open(TestRedis.sharedUrl());
    private Session session;
    private StatusViewModel vm;

    @Start
    void start(Stage stage) {
        session = new Session();
        vm = new StatusViewModel(session, tasks, redis);
        stage.setScene(new Scene(new Pane(), 200, 100));
        stage.show();
    }

    @AfterEach
    void close() {
        vm.stop();
        tasks.close();
        redis.close();
        var keys = link.sync().keys("cutover:{" + migration + "}:*");
        if (!keys.isEmpty()) {
            link.sync().del(keys.toArray(String[]::new));
        }
        link.close();
    }

    /**
     * docs/control.md, "Lost state": Redis loses the migration's keys (as FLUSHALL would, here only
     * this migration's). The bar must not say "planning (no state yet)" then, as for a migration not
     * begun, but that the phase is not known and where to restore it — as the Traffic screen detects it.
     */
    @Test
    void aLostStateIsNotShownAsPlanning(FxRobot robot) throws Exception {
        try (TestDb neu = TestDb.create("status_lost", TestDb.Server.NEW, "")) {
            Db newDb = new Db("new database", neu.url());
            // the witness of the state lives in the new database, as the console's and the CLI's stores keep it
            ControlStore store = new ControlStore(link, migration, null, new ControlWitness(newDb, migration));
            new ControlPlane(store, GuardSettings.defaults()).movePhase(ControlState.initial(), Phase.BACKFILL,
                    new Actor("tester", "test-host"), "test setup", true);
            robot.interact(() -> {
                session.newDb().set(newDb);
                session.redisUrl().set(TestRedis.sharedUrl());
                session.migration().set(migration);
            });
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> "backfill".equals(vm.phase().get()));

            var keys = link.sync().keys("cutover:{" + migration + "}:*");
            assertThat(keys).isNotEmpty();
            link.sync().del(keys.toArray(String[]::new));
            robot.interact(vm::poll);
            WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !"backfill".equals(vm.phase().get()));
            assertThat(vm.phase().get()).isEqualTo(StatusViewModel.LOST_PHASE).doesNotContain("planning");
            assertThat(vm.readPercent().get()).as("Redis's empty state is not what the routers were told").isEqualTo(StatusViewModel.UNKNOWN);
        }
    }

    /** A heartbeat whose key has not expired yet but which is older than the live window is not "1 router" (Writes follow says no router). */
    @Test
    void aSilentRouterIsNotCountedAsReporting() {
        long now = 10_000_000L;
        var live = java.time.Duration.ofSeconds(15);
        var fresh = new dev.cutover.control.RouterHeartbeat("app-1", java.util.Map.of("at", Long.toString(now - 2_000), "degraded", "false"));
        var old = new dev.cutover.control.RouterHeartbeat("app-2", java.util.Map.of("at", Long.toString(now - 240_000), "degraded", "true",
                "reason", "old news"));
        assertThat(StatusViewModel.routers(java.util.List.of(old), now, live)).isEqualTo("no live router (1 last heard 4 min ago)");
        assertThat(StatusViewModel.routers(java.util.List.of(fresh, old), now, live))
                .isEqualTo("1 router, none degraded; 1 more last heard 4 min ago");
        assertThat(StatusViewModel.routers(java.util.List.of(), now, live)).isEqualTo("no routers reporting");
    }
}
