package dev.cutover.route;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.control.Phase;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.testing.OrdersShapes;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Two real databases (an orders table in the old and the new schema), pools that log in as a
 * non-superuser role (so REVOKE CONNECT bites), a migration on a Redis, the plan, and a small
 * writer of the control state (MSET + INCR version + PUBLISH, as the control plane does).
 */
final class RouterFixture implements AutoCloseable {
    /** The orders table in both shapes and the plan between them (shared with the sync benchmark). */
    static final String OLD_SCHEMA = OrdersShapes.OLD_SCHEMA;
    static final String NEW_SCHEMA = OrdersShapes.NEW_SCHEMA;
    static final String PLAN = OrdersShapes.PLAN;

    /** Upsert of an order; both sides take (id, tenant, amount, shipping). */
    static final WriteOp PLACE = WriteOp.named("place_order").table("orders")
            .oldSql("INSERT INTO orders (id, tenant_id, total_amount, metadata, created_at) "
                    + "VALUES (?, ?, ?, jsonb_build_object('shipping_method', ?::text), '2024-01-01T00:00:00Z') "
                    + "ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, total_amount = EXCLUDED.total_amount, "
                    + "metadata = EXCLUDED.metadata RETURNING id")
            .newSql("INSERT INTO orders (id, tenant_id, total_cents, shipping_method, created_at) "
                    + "VALUES (?, ?, round(?::numeric * 100)::bigint, ?, '2024-01-01T00:00:00Z') "
                    + "ON CONFLICT (id) DO UPDATE SET tenant_id = EXCLUDED.tenant_id, total_cents = EXCLUDED.total_cents, "
                    + "shipping_method = EXCLUDED.shipping_method RETURNING id");
    /** Delete by id, key declared by parameter. */
    static final WriteOp CANCEL = WriteOp.named("cancel_order").table("orders")
            .oldSql("DELETE FROM orders WHERE id = ?").newSql("DELETE FROM orders WHERE id = ?").keyParams(1);
    /** The tenant's orders in the old shape, from either side. */
    static final ReadOp<Map<String, Object>> LIST = ReadOp.named("list_orders")
            .oldSql("SELECT id, total_amount, metadata->>'shipping_method' AS shipping_method, created_at "
                    + "FROM orders WHERE tenant_id = ? ORDER BY id")
            .newSql("SELECT id, total_cents / 100.0 AS total_amount, shipping_method, created_at "
                    + "FROM orders WHERE tenant_id = ? ORDER BY id");

    final TestDb oldDb;
    final TestDb newDb;
    final String role;
    private final String rolePassword;
    final HikariDataSource oldDs;
    final HikariDataSource newDs;
    final String redisUrl;
    final String migration;
    final ControlKeys keys;
    final Plan plan;
    final Path spillDir;
    private final RedisClient client;
    private StatefulRedisConnection<String, String> conn;
    private final List<Router> routers = new ArrayList<>();

    RouterFixture(String label, String redisUrl) throws Exception {
        this.oldDb = TestDb.create(label + "_old").exec(OLD_SCHEMA);
        this.newDb = TestDb.createNew(label + "_new").exec(NEW_SCHEMA);
        this.role = "cutover_r_" + UUID.randomUUID().toString().substring(0, 8);
        this.rolePassword = UUID.randomUUID().toString();
        for (TestDb.Server side : TestDb.Server.values()) {
            admin(side, "CREATE ROLE " + role + " LOGIN PASSWORD '" + rolePassword + "'");
        }
        for (TestDb db : List.of(oldDb, newDb)) {
            db.exec("GRANT ALL ON ALL TABLES IN SCHEMA public TO " + role + "; GRANT USAGE ON SCHEMA public TO " + role);
        }
        this.oldDs = pool(oldDb, "old");
        this.newDs = pool(newDb, "new");
        this.redisUrl = redisUrl;
        this.migration = TestRedis.uniqueMigration(label);
        this.keys = new ControlKeys(migration);
        this.plan = PlanFile.parse(PLAN.formatted(migration), "test plan");
        this.spillDir = Files.createTempDirectory("cutover-spill");
        this.client = RedisClient.create(redisUrl);
    }

    private HikariDataSource pool(TestDb db, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(db.urlAs(role, rolePassword));
        c.setPoolName(name + "-" + db.name());
        c.setMaximumPoolSize(6);
        c.setMinimumIdle(0);
        c.setConnectionTimeout(1000);
        c.setValidationTimeout(500);
        c.setInitializationFailTimeout(-1);
        // Named, not detected: HikariCP detects the driver's default isolation once, on the pool's first
        // connection; if that connection is killed during the check (killedConnections… does that at
        // random), the pool is left wanting isolation -1 and never opens another connection
        // (HikariCP issue #1944, still in 6.3.3). See docs/router.md, "Pools".
        c.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return new HikariDataSource(c);
    }

    Router.Builder builder() {
        return Router.builder().oldDataSource(oldDs).newDataSource(newDs).redis(redisUrl).plan(plan)
                .spillDirectory(spillDir).recheckDelay(Duration.ofMillis(100)).refreshInterval(Duration.ofMillis(200))
                .replayInterval(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(5));
    }

    Router router() {
        return track(builder().build());
    }

    Router track(Router r) {
        routers.add(r);
        return r;
    }

    synchronized RedisCommands<String, String> redis() {
        if (conn == null || !conn.isOpen()) {
            conn = client.connect();
        }
        return conn.sync();
    }

    /** Sets the control state the way the control plane does: the keys with a new version at once, then PUBLISH. */
    ControlState set(Phase phase, int readPercent, double sampleRate, String salt) {
        ControlState s = store(phase, readPercent, sampleRate, salt);
        announce(s);
        return s;
    }

    /** The state change without its announcement. */
    ControlState store(Phase phase, int readPercent, double sampleRate, String salt) {
        RedisCommands<String, String> r = redis();
        String cur = r.get(keys.version());
        long v = cur == null ? 1 : Long.parseLong(cur) + 1;
        ControlState s = new ControlState(phase, phase.writeTarget(), readPercent, sampleRate, salt, v);
        List<String> k = ControlStateCodec.keys(keys);
        List<String> vals = ControlStateCodec.toValues(s);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < k.size(); i++) {
            m.put(k.get(i), vals.get(i));
        }
        r.mset(m);  // one MSET: the six keys change together, as the control plane's script does
        return s;
    }

    void announce(ControlState s) {
        redis().publish(keys.changes(), ControlStateCodec.toJson(s));
    }

    ControlState set(Phase phase) {
        return set(phase, 0, 0.0, "salt");
    }

    /** Waits until a router follows the given version. */
    static void awaitVersion(Router r, long version) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(2))
                .untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(r.state().version())
                        .as("router's version (state %s)", r.state()).isGreaterThanOrEqualTo(version));
    }

    /** Rows of old through the forward mapping and rows of new, both as normalised maps ordered by id. */
    List<Map<String, Object>> oldMapped() throws SQLException {
        return query(oldDb, "SELECT id, tenant_id, round(total_amount * 100)::bigint AS total_cents, "
                + "metadata->>'shipping_method' AS shipping_method, created_at FROM orders ORDER BY id");
    }

    List<Map<String, Object>> newRows() throws SQLException {
        return query(newDb, "SELECT id, tenant_id, total_cents, shipping_method, created_at FROM orders ORDER BY id");
    }

    /** As the superuser, so it works while the router's role is locked out. */
    private static List<Map<String, Object>> query(TestDb db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return Rows.read(rs);
        }
    }

    boolean converged() throws SQLException {
        return ResultComparison.same(oldMapped(), newRows(), false);
    }

    long count(TestDb db) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); var rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Makes the new database refuse this role's connections and kills the open ones (a real outage for the router). */
    void cutOffNew() {
        admin(TestDb.Server.NEW, "REVOKE CONNECT ON DATABASE " + newDb.name() + " FROM PUBLIC");
        admin(TestDb.Server.NEW, "REVOKE CONNECT ON DATABASE " + newDb.name() + " FROM " + role);
        newDb.killConnections();
    }

    void restoreNew() {
        admin(TestDb.Server.NEW, "GRANT CONNECT ON DATABASE " + newDb.name() + " TO PUBLIC");
    }

    /**
     * The server's next transaction id, read on the new database (the query takes one itself). Every
     * transaction that writes takes one at once, so a difference counts the write transactions in
     * between — unlike the statistics' commit count, which idle backends report seconds late.
     */
    long transactionIdsOnNew() throws SQLException {
        try (Connection c = DriverManager.getConnection(newDb.url()); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT pg_current_xact_id()::text::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    long queueDepth() {
        return redis().xlen(keys.failedWrites());
    }

    static void admin(TestDb.Server side, String sql) {
        try (Connection c = DriverManager.getConnection(TestDb.adminUrl(side)); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        for (Router r : routers) {
            r.close();
        }
        if (conn != null) {
            try {
                redis().del(keys.failedWrites(), keys.mismatchSamples(), keys.version(), keys.phase(), keys.writeTarget(),
                        keys.readPercent(), keys.shadowSampleRate(), keys.routingSalt());
            } catch (RuntimeException ignored) {
                // private redis already gone
            }
            conn.close();
        }
        client.shutdown();
        oldDs.close();
        newDs.close();
        oldDb.close();
        newDb.close();
        for (TestDb.Server side : TestDb.Server.values()) {
            admin(side, "DROP ROLE IF EXISTS " + role);
        }
        try (var files = Files.walk(spillDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
