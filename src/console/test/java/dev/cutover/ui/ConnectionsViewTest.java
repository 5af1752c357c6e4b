package dev.cutover.ui;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.ui.connections.ConnectionProfile;
import dev.cutover.ui.connections.ConnectionsView;
import dev.cutover.ui.connections.ConnectionsViewModel;
import dev.cutover.ui.connections.ProfileStore;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Connections screen against the real PostgreSQL and Redis of the test services. */
@NeedsServers
@ExtendWith(ApplicationExtension.class)
class ConnectionsViewTest {
    @TempDir
    static Path dir;

    private final TestDb db = TestDb.create("conn");
    private final BackgroundTasks tasks = BackgroundTasks.daemonPool();
    private Session session;
    private ConnectionsViewModel vm;
    private ProfileStore store;

    @Start
    void start(Stage stage) {
        session = new Session();
        store = new ProfileStore(dir.resolve("cfg-" + System.nanoTime()).resolve("profiles.json"));
        vm = new ConnectionsViewModel(session, tasks, store);
        Scene scene = new Scene(new ConnectionsView(vm), 1100, 640);
        Theme.apply(scene, false);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void close() {
        tasks.close();
        db.close();
    }

    @Test
    void testButtonShowsServerVersionAndConnectSetsTheSessionEndpoint(FxRobot robot) throws Exception {
        robot.clickOn("#old-host").eraseText(20).write("127.0.0.1");
        robot.interact(() -> {
            pointAtTestServer(vm.oldDb());
            vm.oldDb().database().set(db.name());
        });
        robot.clickOn("#old-test");
        await(robot, "#old-result", "PostgreSQL");
        assertThat(robot.lookup("#old-result").queryAs(Label.class).getText()).matches("PostgreSQL \\d+.* · 0 tables · connect \\d+ ms");
        assertThat(session.oldDb().get()).isNull();

        robot.clickOn("#old-connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> session.oldDb().get() != null);
        assertThat(session.oldDb().get().url()).contains(":" + db.port() + "/" + db.name() + "?user=" + db.user());
        assertThat(session.oldHealth().get().state()).isEqualTo(Health.State.UP);
    }

    /** Issue 15, 5: Test on an edited card touches nothing but that card. */
    @Test
    void testingAnEditedCardLeavesTheSessionAndTheStatusBarAlone(FxRobot robot) throws Exception {
        robot.interact(() -> {
            pointAtTestServer(vm.oldDb());
            vm.oldDb().host().set("127.0.0.1");
            vm.oldDb().database().set(db.name());
        });
        robot.clickOn("#old-connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> session.oldDb().get() != null
                && session.oldHealth().get().state() == Health.State.UP);
        String connected = session.oldDb().get().url();

        robot.clickOn("#old-port").eraseText(10).write("1");
        robot.clickOn("#old-test");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> robot.lookup("#old-error").queryAs(ErrorLine.class).isVisible());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(session.oldDb().get().url()).isEqualTo(connected);
        assertThat(session.oldHealth().get().state()).as("the status bar still shows the connected server").isEqualTo(Health.State.UP);

        robot.clickOn("#old-connect");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> !robot.lookup("#old-connect").query().isDisabled()
                && robot.lookup("#old-error").queryAs(ErrorLine.class).isVisible());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(session.oldDb().get().url()).as("a failed Connect keeps the endpoint").isEqualTo(connected);
        assertThat(session.oldHealth().get().state()).isEqualTo(Health.State.UP);
    }

    @Test
    void aRefusedConnectionShowsTheExactErrorLine(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.newDb().host().set("127.0.0.1");
            vm.newDb().database().set("nothing");
        });
        robot.clickOn("#new-port").eraseText(10).write("1");
        robot.clickOn("#new-test");
        WaitForAsyncUtils.waitFor(15, TimeUnit.SECONDS, () -> robot.lookup("#new-error").queryAs(ErrorLine.class).isVisible());
        String line = robot.lookup("#new-error").queryAs(ErrorLine.class).text();
        assertThat(line).startsWith("cannot connect to the new database at jdbc:postgresql://127.0.0.1:1/nothing")
                .contains("Connection to 127.0.0.1:1 refused");
        assertThat(session.newHealth().get().state()).as("a Test changes only its card").isEqualTo(Health.State.NOT_SET);
    }

    @Test
    void endpointsFromTheCommandLineAreTestedAtOnceEachOnItsOwnCard(FxRobot robot) throws Exception {
        robot.interact(() -> vm.apply(ConsoleArgs.parse(java.util.List.of("--old", db.url(), "--redis", "redis://127.0.0.1:1"))));
        // the session's endpoints are set without waiting for the tests, the cards then say what each reached
        assertThat(session.oldDb().get().url()).isEqualTo(db.url());
        assertThat(session.redisUrl().get()).isEqualTo("redis://127.0.0.1:1");
        await(robot, "#old-result", "PostgreSQL");
        assertThat(robot.lookup("#old-result").queryAs(Label.class).getText()).matches("PostgreSQL \\d+.* · 0 tables · connect \\d+ ms");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#redis-error").queryAs(ErrorLine.class).isVisible());
        assertThat(robot.lookup("#redis-error").queryAs(ErrorLine.class).text()).contains("127.0.0.1:1");
        assertThat(robot.lookup("#new-result").queryAs(Label.class).getText()).isEmpty();
        assertThat(session.redisHealth().get().state()).isEqualTo(Health.State.DOWN);
    }

    @Test
    void aCancelledTestLeavesTheButtonsUsable(FxRobot robot) throws Exception {
        robot.interact(() -> {
            vm.oldDb().host().set("127.0.0.1");
            pointAtTestServer(vm.oldDb());
            vm.oldDb().database().set(db.name());
            vm.oldDb().test();
            tasks.cancelAll(); // the status bar's Cancel
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.oldDb().testing().get()).isFalse();
        assertThat(robot.lookup("#old-test").queryButton().isDisabled()).isFalse();
        assertThat(robot.lookup("#old-connect").queryButton().isDisabled()).isFalse();
        assertThat(robot.lookup("#old-error").queryAs(ErrorLine.class).text()).isEqualTo("Test cancelled");
    }

    @Test
    void redisTestShowsVersionAndProfilesAreSavedWithoutPasswords(FxRobot robot) throws Exception {
        var parsed = dev.cutover.ui.connections.ConnectionUrls.redis(TestRedis.sharedUrl());
        robot.interact(() -> vm.redis().load(parsed.profile()));
        robot.clickOn("#redis-test");
        await(robot, "#redis-result", "Redis ");
        assertThat(robot.lookup("#redis-result").queryAs(Label.class).getText()).matches("Redis \\d+\\.\\d+.* · PONG in [0-9.]+ ms · connect \\d+ ms");

        robot.clickOn("#old-name").write("stage");
        robot.interact(() -> {
            vm.oldDb().name().set("staging-old");
            vm.oldDb().database().set("shop");
            vm.oldDb().password().set("s3cret-in-memory");
        });
        robot.clickOn("#save-profiles");
        assertThat(vm.message().get()).startsWith("Saved 2 profiles");
        String json = Files.readString(store.file());
        assertThat(json).contains("\"staging-old\"").contains("\"OLD\"").doesNotContain("s3cret");
        assertThat(new ProfileStore(store.file()).load()).extracting(ConnectionProfile::name).contains("staging-old");
    }

    /** The test server's port, superuser and password (the form's defaults are 5432 and postgres). */
    private void pointAtTestServer(dev.cutover.ui.connections.ProfileViewModel form) {
        form.port().set(Integer.toString(db.port()));
        form.user().set(db.user());
        form.password().set(db.password());
    }

    private static void await(FxRobot robot, String query, String prefix) throws Exception {
        // generous: the first Lettuce client of a JVM takes seconds to start on a loaded 2-core machine
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> robot.lookup(query).queryAs(Label.class).getText().startsWith(prefix));
    }
}
