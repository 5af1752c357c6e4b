package dev.cutover.backfill;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.CliRun;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.pg.DbException;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import dev.cutover.work.ConnectionBudget;
import dev.cutover.work.ConnectionBudget.Limits;
import dev.cutover.work.ConnectionBudget.Need;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Connections are a budget: a run never takes the connections the application needs. Real limits
 * on the test server without changing its configuration: a login role with a CONNECTION LIMIT (the
 * tool's), a database with one, and an application role holding connections open.
 */
@NeedsServers
class ConnectionBudgetTest {
    private final List<String> roles = new ArrayList<>();
    private final List<Connection> held = new ArrayList<>();
    private Orders orders;

    @AfterEach
    void cleanUp() throws SQLException {
        for (Connection c : held) {
            c.close();
        }
        if (orders != null) {
            orders.close();
        }
        try (Connection c = DriverManager.getConnection(TestDb.adminUrl()); Statement s = c.createStatement()) {
            for (String r : roles) {
                s.execute("DROP ROLE IF EXISTS " + r);
            }
        }
    }

    private String role(String label, String options) throws SQLException {
        String name = ("cutover_t_" + label + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase();
        try (Connection c = DriverManager.getConnection(TestDb.adminUrl()); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE " + name + " LOGIN NOSUPERUSER PASSWORD '" + ROLE_PASSWORD + "' " + options);
        }
        roles.add(name);
        return name;
    }

    private static final String ROLE_PASSWORD = "budget-pw";

    private static String as(TestDb db, String role) {
        return db.urlAs(role, ROLE_PASSWORD);
    }

    private static int count(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(TestDb.adminUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }


    private static CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sixtyFourWorkersAskedRunAsManyAsLeaveTheReserveFreeAndTheApplicationStillLogsIn() throws Exception {
        String migration = TestRedis.uniqueMigration("budget");
        orders = new Orders("budget", migration, 3000, TestDb.Server.OLD); // one server: the role's limit spans both sides
        String tool = role("tool", "CONNECTION LIMIT 14");
        String app = role("app", "");
        for (TestDb db : new TestDb[] {orders.old, orders.neu}) {
            db.exec("ALTER TABLE orders OWNER TO " + tool);
            try (Connection c = DriverManager.getConnection(TestDb.adminUrl()); Statement s = c.createStatement()) {
                s.execute("ALTER DATABASE " + db.name() + " OWNER TO " + tool);
            }
        }
        try (Connection c = DriverManager.getConnection(TestDb.adminUrl()); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE " + orders.old.name() + " CONNECTION LIMIT 8");
        }
        for (int i = 0; i < 3; i++) {
            held.add(DriverManager.getConnection(as(orders.old, app))); // the application's own connections
        }
        Path plan = Cli.plan(orders, migration);
        // old database: limit 8, 3 held by the application, 3 kept free: 2 workers (a backfill worker holds one old connection)
        AtomicInteger toolMax = new AtomicInteger();
        AtomicInteger toolOldMax = new AtomicInteger();
        CompletableFuture<CliRun> backfill = CompletableFuture.supplyAsync(() -> run("backfill", "--plan", plan.toString(),
                "--old", as(orders.old, tool), "--new", as(orders.neu, tool), "--workers", "64", "--reserve-connections", "3",
                "--latency-limit", "0", "--max-rows-per-sec", "1500", "--progress", "none"));
        String toolSql = "SELECT count(*) FROM pg_stat_activity WHERE usename = '" + tool + "'";
        String toolOldSql = toolSql + " AND datname = '" + orders.old.name() + "'";
        await().atMost(60, TimeUnit.SECONDS).until(() -> {
            toolMax.accumulateAndGet(count(toolSql), Math::max);
            toolOldMax.accumulateAndGet(count(toolOldSql), Math::max);
            return Orders.count(orders.neu, "SELECT count(*) FROM orders") > 0 || backfill.isDone();
        });
        // the application logs in during the run: the reserve of 3 is free on the old database
        List<Connection> appLogins = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                appLogins.add(DriverManager.getConnection(as(orders.old, app)));
            }
        } finally {
            for (Connection c : appLogins) {
                c.close();
            }
        }
        await().atMost(120, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS).until(() -> {
            toolMax.accumulateAndGet(count(toolSql), Math::max);
            toolOldMax.accumulateAndGet(count(toolOldSql), Math::max);
            return backfill.isDone();
        });
        CliRun r = backfill.get();
        assertThat(r.status()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("backfill: 64 workers asked, 2 fit the connections of the old database "
                + "(connection limit 8 of database " + orders.old.name() + ", 3 in use; 3 kept free for the application")
                .contains("(2 threads)").contains("backfill complete");
        assertThat(r.out().lines().filter(l -> l.contains("workers asked"))).hasSize(1);
        assertThat(toolOldMax.get()).isBetween(1, 2);
        assertThat(toolMax.get()).isLessThanOrEqualTo(14 - 3);
        assertThat(orders.actual()).isEqualTo(orders.expected());

        // verify the same way: 3 connections per worker (2 on the new side), under the role's limit of 14 less 3
        CliRun v = run("verify", "--plan", plan.toString(), "--old", as(orders.old, tool), "--new", as(orders.neu, tool),
                "--workers", "64", "--reserve-connections", "3", "--latency-limit", "0", "--progress", "none");
        assertThat(v.status()).as(v.out() + v.err()).isZero();
        // (2 fit; 1 if a backfill connection is still closing on the old database when the limits are read)
        assertThat(v.out()).containsPattern("verify: 64 workers asked, [12] fit the connections of ").contains("IDENTICAL: 3,000 rows compared");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void notEvenOneWorkerFittingIsRefusedWithOneLineAndNothingWritten() throws Exception {
        String migration = TestRedis.uniqueMigration("budget-no");
        orders = new Orders("budget_no", migration, 100, TestDb.Server.OLD);
        Path plan = Cli.plan(orders, migration);
        String[] conn = {"--plan", plan.toString(), "--old", orders.old.url(), "--new", orders.neu.url(), "--reserve-connections", "100000",
                "--progress", "none"};
        for (String cmd : new String[] {"backfill", "verify", "repair"}) {
            String[] args = new String[conn.length + 1];
            args[0] = cmd;
            System.arraycopy(conn, 0, args, 1, conn.length);
            CliRun r = run(args);
            assertThat(r.status()).as(cmd).isEqualTo(2);
            assertThat(r.err()).as(cmd).startsWith("cutover: " + cmd + " refused: not even 1 worker fits the connections of ")
                    .contains("while keeping 100000 free for the application").contains("lower --reserve-connections")
                    .hasLineCount(1);
        }
        assertThat(Orders.count(orders.neu, "SELECT count(*) FROM pg_namespace WHERE nspname = 'cutover'")).isZero();
        assertThat(Orders.count(orders.neu, "SELECT count(*) FROM orders")).isZero();
    }

    @Test
    void bothSidesOnOneServerShareItsLimit() {
        Need need = new Need(1, 1, 2, 1); // old n + 1, new n + 2
        Limits old = new Limits("old database", "s1", "a", "u", 100, 3, 0, -1, -1, 50, 0, 0);
        Limits neu = new Limits("new database", "s1", "b", "u", 100, 3, 0, -1, -1, 50, 0, 0);
        // 100 - 3 - 50 = 47 free, 20 reserved: 27 for old n+1 plus new n+2, so 12 workers
        ConnectionBudget.Decision d = ConnectionBudget.decide("backfill", 64, need, old, neu, -1);
        assertThat(d.workers()).isEqualTo(12);
        assertThat(d.line()).startsWith("backfill: 64 workers asked, 12 fit the connections of both databases (max_connections 100");
        // on two servers each side has its own 27
        Limits other = new Limits("new database", "s2", "b", "u", 100, 3, 0, -1, -1, 50, 0, 0);
        assertThat(ConnectionBudget.decide("backfill", 64, need, old, other, -1).workers()).isEqualTo(25);
        assertThat(ConnectionBudget.decide("backfill", 8, need, old, other, -1).line()).isNull();
        // PostgreSQL 16's reserved_connections and a role limit count too
        Limits reserved = new Limits("old database", "s3", "a", "u", 100, 3, 10, 30, -1, 50, 25, 0);
        assertThatThrownBy(() -> ConnectionBudget.decide("verify", 4, need, reserved, other, 5))
                .isInstanceOf(DbException.class)
                .hasMessage("verify refused: not even 1 worker fits the connections of the old database (connection limit 30 of role u, "
                        + "25 in use) while keeping 5 free for the application (1 worker needs 2); lower --reserve-connections or free connections");
    }
}
