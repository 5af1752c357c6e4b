package dev.cutover.route.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.control.Phase;
import dev.cutover.plan.PlanFile;
import dev.cutover.route.ReadOp;
import dev.cutover.route.Router;
import dev.cutover.route.WriteOp;
import dev.cutover.testing.TestDb;
import dev.cutover.testing.TestRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every router benchmark needs: two fresh databases (the orders table in the old and the
 * new schema, 500 tenants × 4 orders), pools, a migration on the shared Redis, and a router.
 * Created in a benchmark's trial setup and dropped in its teardown.
 */
final class BenchSetup implements AutoCloseable {
    static final int TENANTS = 500;
    static final String PLAN = """
            {"version": 1, "name": "%s", "tables": [{
              "source": {"schema": "public", "table": "orders"}, "target": {"schema": "public", "table": "orders"},
              "key": ["id"],
              "columns": [{"target": "id", "expr": "id"}, {"target": "tenant_id", "expr": "tenant_id"},
                {"target": "total_cents", "expr": "round(total_amount * 100)::bigint"},
                {"target": "shipping_method", "expr": "metadata->>'shipping_method'"}],
              "dropped": [], "reverse": [{"target": "total_amount", "expr": "total_cents / 100.0"},
                {"target": "metadata", "expr": "jsonb_build_object('shipping_method', shipping_method)"}]}]}""";
    static final ReadOp<Map<String, Object>> LIST = ReadOp.named("list_orders")
            .oldSql("SELECT id, total_amount, metadata->>'shipping_method' AS shipping_method FROM orders WHERE tenant_id = ? ORDER BY id")
            .newSql("SELECT id, total_cents / 100.0 AS total_amount, shipping_method FROM orders WHERE tenant_id = ? ORDER BY id");
    static final String OLD_UPDATE = "UPDATE orders SET total_amount = ?, metadata = jsonb_build_object('shipping_method', ?::text) "
            + "WHERE id = ?";
    static final WriteOp UPDATE = WriteOp.named("update_order").table("orders").oldSql(OLD_UPDATE)
            .newSql("UPDATE orders SET total_cents = round(?::numeric * 100)::bigint, shipping_method = ? WHERE id = ?")
            .keyParams(3);

    final TestDb oldDb;
    final TestDb newDb;
    final HikariDataSource oldDs;
    final HikariDataSource newDs;
    final HikariDataSource directDs;
    final String migration;
    final ControlKeys keys;
    final RedisClient client;
    final StatefulRedisConnection<String, String> redis;
    Router router;
    private java.nio.file.Path spillDir;

    BenchSetup(String label) throws Exception {
        oldDb = TestDb.create("bench_" + label + "_old").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, total_amount numeric(12,2) NOT NULL,
                                     metadata jsonb NOT NULL DEFAULT '{}');
                CREATE INDEX ON orders (tenant_id);
                INSERT INTO orders SELECT i, i % 500, (i % 1000) / 10.0, jsonb_build_object('shipping_method', 'ground')
                FROM generate_series(1, 2000) i;
                ANALYZE orders;""");
        newDb = TestDb.create("bench_" + label + "_new").exec("""
                CREATE TABLE orders (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, total_cents bigint NOT NULL,
                                     shipping_method text);
                CREATE INDEX ON orders (tenant_id);
                INSERT INTO orders SELECT i, i % 500, (i % 1000) * 10, 'ground' FROM generate_series(1, 2000) i;
                ANALYZE orders;""");
        oldDs = pool(oldDb, "old");
        newDs = pool(newDb, "new");
        directDs = pool(oldDb, "direct");
        migration = TestRedis.uniqueMigration("bench-" + label);
        keys = new ControlKeys(migration);
        client = RedisClient.create(TestRedis.sharedUrl());
        redis = client.connect();
    }

    private static HikariDataSource pool(TestDb db, String name) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(db.url());
        c.setPoolName(name);
        c.setMaximumPoolSize(4);
        c.setMinimumIdle(4);
        return new HikariDataSource(c);
    }

    /** Writes the control state as the control plane would (one MSET, then PUBLISH). */
    void state(Phase phase, int readPercent) {
        String cur = redis.sync().get(keys.version());
        ControlState s = new ControlState(phase, phase.writeTarget(), readPercent, 0.0, "bench",
                cur == null ? 1 : Long.parseLong(cur) + 1);
        List<String> k = ControlStateCodec.keys(keys);
        List<String> v = ControlStateCodec.toValues(s);
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < k.size(); i++) {
            m.put(k.get(i), v.get(i));
        }
        redis.sync().mset(m);
        redis.sync().publish(keys.changes(), ControlStateCodec.toJson(s));
    }

    Router router(Phase phase, int readPercent) throws Exception {
        return router(phase, readPercent, b -> { });
    }

    /** A router following {@code phase}, its builder first given to {@code options}. */
    Router router(Phase phase, int readPercent, java.util.function.Consumer<Router.Builder> options) throws Exception {
        state(phase, readPercent);
        if (spillDir == null) {
            spillDir = Files.createTempDirectory("cutover-bench-spill");
        }
        Router.Builder b = Router.builder().oldDataSource(oldDs).newDataSource(newDs).redis(TestRedis.sharedUrl())
                .plan(PlanFile.parse(PLAN.formatted(migration), "bench plan")).spillDirectory(spillDir);
        options.accept(b);
        router = b.build();
        long end = System.nanoTime() + 10_000_000_000L;
        while (router.state().phase() != phase && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        if (router.state().phase() != phase) {
            throw new IllegalStateException("router did not follow the benchmark's state");
        }
        return router;
    }

    @Override
    public void close() {
        if (router != null) {
            router.close();
        }
        redis.sync().del(keys.phase(), keys.writeTarget(), keys.readPercent(), keys.shadowSampleRate(), keys.routingSalt(),
                keys.version(), keys.failedWrites());
        redis.close();
        client.shutdown();
        oldDs.close();
        newDs.close();
        directDs.close();
        oldDb.close();
        newDb.close();
        if (spillDir != null) {
            try (var files = Files.walk(spillDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
