package dev.cutover.demo;

import dev.cutover.capture.SyncHealth;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlStore;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.CliProcess;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code cutover demo --sync --no-console}: the sample application writes the old database with
 * plain JDBC (no router), the new one is backfilled with the slot made first, and {@code cutover
 * sync} runs in the demo's process and follows the application's writes; its status in Redis and the
 * slot's active flag are what the console's Change capture screen shows. Ctrl-C (SIGTERM) stops it
 * cleanly and drops the slot.
 */
@NeedsServers
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DemoSyncTest {

    @Test
    void theSampleWritesTheOldDatabaseWithPlainJdbcAndSyncFollowsIt() throws Exception {
        SampleProject project = SampleProject.locate();
        Path log = CliProcess.log();
        String slot = dev.cutover.capture.SyncSlot.nameFor("saas-orders");
        try (TestDb old = TestDb.create("demosync_old"); TestDb fresh = TestDb.createNew("demosync_new");
             TestRedis redis = TestRedis.startPrivate()) {
            try (Connection c = old.connect()) {
                new DataGenerator(new DataGenerator.Options(3000, 20, 11)).load(c, SampleProject.read(project.oldSchema()), n -> { });
            }
            fresh.exec(SampleProject.read(project.newSchema()));
            Process demo = CliProcess.start(log, "demo", "--sync", "--no-console", "--keep-data", "--old", old.url(), "--new", fresh.url(),
                    "--redis", redis.url(), "--rate", "40");
            try {
                CliProcess.await("the application running with sync", 180_000, () -> read(log).contains("the sample application is running"), log);
                assertThat(read(log)).contains("on the old database with plain JDBC (no router); cutover sync follows it")
                        .contains("backfill --with-sync").contains("sync saas-orders: following the old database through slot");
                try (RedisLink link = RedisLink.open(redis.url())) {
                    ControlStore store = new ControlStore(link, "saas-orders");
                    // what the Change capture screen reads: the status hash running, heard within 15 s, and the slot active
                    CliProcess.await("sync applying the application's writes", 120_000, () -> {
                        Map<String, String> h = store.hash(store.keys().sync());
                        return "running".equals(h.get(ControlKeys.Sync.STATE))
                                && Long.parseLong(h.getOrDefault(ControlKeys.Sync.CHANGES_APPLIED, "0")) > 20
                                && System.currentTimeMillis() - Long.parseLong(h.getOrDefault(ControlKeys.Sync.UPDATED_AT, "0")) < 15_000;
                    }, log);
                    assertThat(one(old, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isEqualTo("t");
                    // an order the application wrote on the old side only reaches the new one through sync (no router writes)
                    String newest = one(old, "SELECT max(id) FROM orders");
                    CliProcess.await("order " + newest + " on the new database", 60_000,
                            () -> "1".equals(one(fresh, "SELECT count(*) FROM orders WHERE id = " + newest)), log);
                    assertThat(store.routers()).as("no router runs").isEmpty();

                    // the console's flip while the stream runs in the demo: asked through Redis, the demo's stream stops after its batch
                    SyncHealth.requestStop(link, "saas-orders", false, "alice@db-admin-1", "console: flip writes to the new database");
                    CliProcess.await("the demo's stream stopped on the request", 60_000, () -> read(log).contains(
                            "sync saas-orders: stopped at the request of alice@db-admin-1 (console: flip writes to the new database)"), log);
                    CliProcess.await("the slot released", 30_000,
                            () -> "f".equals(one(old, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")), log);
                    // the flip, as the console runs it (here through the command line); the application waits, then follows SWITCH NOW
                    java.io.StringWriter flipOut = new java.io.StringWriter();
                    int rc = dev.cutover.cli.CutoverCommand.run(new String[] {"flip-writes", "--to", "new", "--plan", project.plan().toString(),
                            "--old", old.url(), "--new", fresh.url(), "--redis", redis.url(), "--override", "--reason", "demo walk"},
                            new java.io.PrintWriter(flipOut, true), new java.io.PrintWriter(flipOut, true));
                    assertThat(rc).as(flipOut.toString()).isZero();
                    CliProcess.await("the application writing to the new database", 30_000,
                            () -> read(log).contains("the sample application now writes to the new database (write_target new_primary"), log);
                    String before = one(fresh, "SELECT max(id) FROM orders");
                    CliProcess.await("new orders on the new database after the switch", 60_000,
                            () -> Long.parseLong(one(fresh, "SELECT max(id) FROM orders")) > Long.parseLong(before), log);
                }
            } finally {
                demo.destroy(); // SIGTERM, as Ctrl-C
                assertThat(demo.waitFor(120, TimeUnit.SECONDS)).as(read(log)).isTrue();
            }
            assertThat(demo.exitValue()).as(read(log)).isZero();
            assertThat(read(log)).contains("sync saas-orders stopped:");
            assertThat(read(log)).as("no request failed across the flip").containsPattern("requests [0-9,]+ \\(reads [0-9,]+, writes [0-9,]+\\), errors 0,");
            assertThat(one(old, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")).isEqualTo("0");
            assertThat(one(fresh, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                    .as("the reverse slot the flip made is dropped at the demo's end").isEqualTo("0");
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String read(Path log) {
        return CliProcess.output(log);
    }

    private static String one(TestDb db, String sql) {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
