package dev.cutover.capture;

import dev.cutover.local.PostgresProcess;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --until-caught-up} on a server with {@code synchronous_commit = off}, where a commit is
 * visible before its WAL is written: the WAL writer is held back for 10 s, so the rows written just
 * before the run are committed but not yet in the written WAL when it starts. Taking the server's
 * write position as the target, sync reported "caught up" with none of them applied (as CI saw on a
 * loaded machine); the watermark it writes now (docs/sync.md, "Caught up") flushes them first.
 */
@NeedsServers
@Timeout(120)
class CaughtUpAsyncCommitTest {
    static PostgresProcess server;

    @BeforeAll
    static void start() throws SQLException {
        server = TestDb.startPrivateServer(Map.of("wal_writer_delay", "10000ms"));
        try (Connection c = DriverManager.getConnection(server.adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE old_side");
            s.execute("CREATE DATABASE new_side");
        }
        exec("old_side", "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
        exec("new_side", "CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL)");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stopAndDelete();
        }
    }

    @Test
    void transactionsCommittedBeforeTheRunButNotYetWrittenAreApplied() throws Exception {
        Plan plan = PlanFile.parse("""
                {"version": 1, "name": "async_commit", "tables": [
                  {"source": {"schema": "public", "table": "t"}, "target": {"schema": "public", "table": "t"}, "key": ["id"],
                   "columns": [{"target": "id", "expr": "id"}, {"target": "v", "expr": "upper(v)"}]}]}
                """, "test plan");
        Db old = new Db("old database", server.url("old_side"));
        Db neu = new Db("new database", server.url("new_side"));
        new SyncSlot(old, plan).ensure();
        try {
            for (int round = 1; round <= 3; round++) {
                int from = (round - 1) * 100 + 1;
                // three transactions, each visible at once and left in the WAL buffers (async commit, WAL writer asleep)
                exec("old_side", "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(" + from + ", " + (from + 49) + ") g");
                exec("old_side", "UPDATE t SET v = 'changed' WHERE id = " + from);
                exec("old_side", "INSERT INTO t SELECT g, 'row ' || g FROM generate_series(" + (from + 50) + ", " + (from + 99) + ") g");
                SyncEngine.Report r = new SyncEngine(old, neu, plan, SyncEngine.Options.defaults().withUntilCaughtUp(true)).run(null);
                assertThat(r.caughtUp()).isTrue();
                assertThat(r.changes()).as("round " + round + ": changes applied").isEqualTo(101);
                assertThat(count("new_side", "SELECT count(*) FROM t")).as("round " + round).isEqualTo(round * 100L);
                assertThat(count("new_side", "SELECT count(*) FROM t WHERE v = 'CHANGED'")).isEqualTo(round);
            }
        } finally {
            new SyncSlot(old, plan).drop();
        }
    }

    private static void exec(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url(db)); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(String db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.url(db)); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
