package dev.cutover.capture;

import dev.cutover.app.SyncRun;
import dev.cutover.local.PostgresProcess;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Change capture through real server outages (issue 17's faults), each side on a private server:
 * under a steady writer on the old database, the new database's server is down for 30 s, then the
 * old database's server is restarted. Sync keeps retrying, reconnects to both, and every write the
 * old database acknowledged reaches the new one through the plan.
 */
@NeedsServers
@Timeout(300)
class SyncServerRestartTest {
    PostgresProcess oldServer;
    PostgresProcess newServer;

    @AfterEach
    void stop() {
        for (PostgresProcess p : new PostgresProcess[] {oldServer, newServer}) {
            if (p != null) {
                p.stopAndDelete();
            }
        }
    }

    @Test
    void theNewServerDownForThirtySecondsAndTheOldOneRestartedUnderWritesLoseNothing() throws Exception {
        oldServer = TestDb.startPrivateServer(Map.of());
        newServer = TestDb.startPrivateServer(Map.of());
        for (PostgresProcess p : new PostgresProcess[] {oldServer, newServer}) {
            exec(p.adminUrl(), "CREATE DATABASE side");
            exec(p.url("side"), "CREATE TABLE t (id bigint PRIMARY KEY, v text NOT NULL)");
        }
        Plan plan = PlanFile.parse("""
                {"version": 1, "name": "restarts", "tables": [
                  {"source": {"schema": "public", "table": "t"}, "target": {"schema": "public", "table": "t"}, "key": ["id"],
                   "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "upper(v)"}]}]}
                """, "test plan");
        Db old = new Db("old database", oldServer.url("side"));
        Db neu = new Db("new database", newServer.url("side"));
        new SyncSlot(old, plan).ensure();
        List<String> states = new CopyOnWriteArrayList<>();
        SyncRun sync = new SyncRun(old, neu, plan, SyncRun.Settings.forward(null));
        sync.start(s -> states.add(s.state()), r -> { }, e -> states.add("ended: " + e.getMessage()));
        Writer writer = new Writer(oldServer.url("side"));
        writer.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.size() >= 200 && count(neu) >= 100);
            newServer.stop();
            int atStop = writer.acknowledged.size();
            // 30 s without the new database, the old one taking writes all along
            await().pollDelay(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(60)).until(() -> true);
            assertThat(writer.acknowledged.size()).as("the old database took writes while the new one was down").isGreaterThan(atStop);
            newServer.restart();
            await().atMost(Duration.ofSeconds(120)).until(() -> count(neu) >= atStop);
            int beforeRestart = writer.acknowledged.size();
            oldServer.restart();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.acknowledged.size() > beforeRestart + 100);
        } finally {
            writer.stop();
        }
        assertThat(states).as("sync retried through the outages").contains(SyncStatus.RETRYING).doesNotContain(SyncStatus.FAILED);
        assertThat(writer.failure).isNull();
        // everything acknowledged is applied: the run's own catch-up, then it stops
        sync.stop();
        assertThat(sync.awaitEnd(60_000)).isTrue();
        SyncEngine.Report last = new SyncEngine(old, neu, plan, SyncEngine.Options.defaults().withUntilCaughtUp(true)).run(null);
        assertThat(last.caughtUp()).isTrue();
        Set<Long> acked = writer.acknowledged.keySet();
        try (Connection c = DriverManager.getConnection(newServer.url("side"));
             ResultSet rs = c.createStatement().executeQuery("SELECT id, v FROM t")) {
            Map<Long, String> have = new java.util.HashMap<>();
            while (rs.next()) {
                have.put(rs.getLong(1), rs.getString(2));
            }
            List<Long> missing = new ArrayList<>();
            for (long id : acked) {
                if (!("ROW " + id).equals(have.get(id))) {
                    missing.add(id);
                }
            }
            assertThat(missing).as("acknowledged writes missing or different on the new side, of " + acked.size()).isEmpty();
        }
        new SyncSlot(old, plan).drop();
    }

    private static long count(Db db) {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            return rs.getLong(1);
        } catch (RuntimeException | SQLException e) {
            return -1; // down
        }
    }

    private static void exec(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Inserts a row at a time, reconnecting after a lost connection; remembers what the database acknowledged. */
    private static final class Writer {
        final String url;
        final Map<Long, Boolean> acknowledged = new ConcurrentHashMap<>();
        final AtomicLong next = new AtomicLong(1);
        volatile boolean running = true;
        volatile Throwable failure;
        Thread thread;

        Writer(String url) {
            this.url = url;
        }

        void start() {
            thread = new Thread(this::loop, "writer");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(30_000);
        }

        private void loop() {
            Connection c = null;
            while (running) {
                try {
                    if (c == null) {
                        c = DriverManager.getConnection(url);
                    }
                    long id = next.get();
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?) ON CONFLICT (id) DO NOTHING")) {
                        ps.setLong(1, id);
                        ps.setString(2, "row " + id);
                        ps.executeUpdate();
                    }
                    acknowledged.put(id, true);
                    next.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // ~500 writes/s at most: a steady application
                } catch (SQLException e) {
                    try {
                        if (c != null) {
                            c.close();
                        }
                    } catch (SQLException ignored) {
                        // it is gone
                    }
                    c = null;
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // the server restarting: try again shortly
                } catch (RuntimeException e) {
                    failure = e;
                    return;
                }
            }
        }
    }
}
