package example.shop;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import dev.cutover.backfill.BackfillEngine;
import dev.cutover.backfill.BackfillOptions;
import dev.cutover.backfill.BackfillReport;
import dev.cutover.control.Actor;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlWitness;
import dev.cutover.control.FlipStatus;
import dev.cutover.control.FlipWait;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.LastSeenCache;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.control.WriteTarget;
import dev.cutover.local.PostgresProcess;
import dev.cutover.local.RedisProcess;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.work.ProgressListener;
import example.shop.OrderStore.Order;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shop, embedding Cutover's router, against a real PostgreSQL (an old and a new database) and
 * a real Redis this test starts under target/: reads and writes go to the old database until the
 * DBA moves the migration to dual_write through the control plane (what {@code cutover phase}
 * does); then a write lands on both databases. And the shop's own logback.xml stays in force.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbedRouterTest {
    private static final long TENANT = 7;

    private static PostgresProcess pg;
    private static RedisProcess redis;
    private static Plan plan;

    @BeforeAll
    static void servers() throws Exception {
        long pid = ProcessHandle.current().pid();
        Path servers = target().resolve("servers");
        pg = PostgresProcess.start(servers.resolve(pid + "-pg"), Map.of("fsync", "off",
                "synchronous_commit", "off", "full_page_writes", "off", "timezone", "Etc/UTC"));
        redis = RedisProcess.start(servers.resolve(pid + "-redis"), List.of("--appendonly", "no", "--save", ""));
        exec(pg.adminUrl(), "CREATE DATABASE shop_old", "CREATE DATABASE shop_new");
        exec(pg.url("shop_old"), resource("old-schema.sql"),
                "INSERT INTO orders (id, tenant_id, total_amount) VALUES (1, 7, 19.99), (2, 7, 5.00), (3, 8, 120.50)");
        exec(pg.url("shop_new"), resource("new-schema.sql"));
        plan = PlanFile.parse(resource("plan.json"), "plan.json");
    }

    @AfterAll
    static void stopServers() {
        if (redis != null) {
            redis.close();
        }
        if (pg != null) {
            pg.stopAndDelete();
        }
    }

    @Test
    void routesAReadThenADualWriteLandsOnBothDatabases() throws Exception {
        Db oldDb = new Db("old database", pg.url("shop_old"));
        Db newDb = new Db("new database", pg.url("shop_new"));
        try (var oldPool = oldDb.pool("shop-old", 4); var newPool = newDb.pool("shop-new", 4);
             OrderStore shop = OrderStore.open(oldPool, newPool, redis.url(), plan, target().resolve("spill"));
             RedisLink link = RedisLink.open(redis.url())) {
            // no state yet: old_only, reads and writes on the old database
            assertEquals(WriteTarget.OLD_ONLY, shop.router().state().writeTarget());
            assertFalse(shop.router().readsNew(TENANT));
            assertEquals(List.of(new Order(1, 7, new BigDecimal("19.99")), new Order(2, 7, new BigDecimal("5.00"))), shop.list(TENANT));

            // the DBA's side, as `cutover phase` and `cutover backfill` do it: the control plane over the
            // migration's store (a witness in the new database, the last state seen kept under target/)
            String migration = plan.name();
            ControlStore store = new ControlStore(link, migration,
                    new LastSeenCache(Files.createTempDirectory(target(), "cutover-state"), redis.url(), migration),
                    new ControlWitness(newDb, migration));
            ControlPlane plane = new ControlPlane(store, GuardSettings.defaults());
            Actor dba = Actor.current();
            ControlState backfill = plane.movePhase(store.view().state(), Phase.BACKFILL, dba, "embed-router sample", false);
            assertEquals(Phase.BACKFILL, backfill.phase());
            BackfillReport report = new BackfillEngine(oldDb, newDb, plan, new BackfillOptions().redisUrl(redis.url()))
                    .run(ProgressListener.NONE);
            assertTrue(report.complete(), () -> "backfill not complete: " + report.errors());
            assertEquals(3, count(newDb, "SELECT count(*) FROM orders"));

            // the router's heartbeat is in Redis, so the flip below must wait for its acknowledgement
            await().atMost(Duration.ofSeconds(30)).until(() -> store.routers().stream()
                    .anyMatch(r -> r.instance().equals(shop.router().instanceId())));
            ControlState dual = plane.movePhase(store.view().state(), Phase.DUAL_WRITE, dba, "embed-router sample", false);
            assertEquals(WriteTarget.DUAL_WRITE, dual.writeTarget());
            FlipStatus flip = new FlipWait(store, FlipWait.DEFAULT_LIVE_WITHIN).await(dual, Duration.ofSeconds(60));
            assertTrue(flip.complete(), () -> "flip pending: " + flip.describe(System.currentTimeMillis()));
            assertEquals(1, flip.live().size(), () -> "live routers: " + flip.live());
            assertEquals(dual.version(), shop.router().state().version());

            // dual_write at read percent 0: reads still on old; a write commits on old, then is mirrored to new
            assertFalse(shop.router().readsNew(TENANT));
            shop.place(10, TENANT, new BigDecimal("42.50"));
            assertEquals(1, count(oldDb, "SELECT count(*) FROM orders WHERE id = 10 AND total_amount = 42.50"));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> count(newDb, "SELECT count(*) FROM orders WHERE id = 10 AND total_cents = 4250") == 1);
            assertEquals(List.of(1L, 2L, 10L), shop.list(TENANT).stream().map(Order::id).toList());
            assertEquals(0, link.sync().xlen(store.keys().failedWrites()), "no mirror write failed");
            assertEquals(0, shop.router().stats().mirrorFailures());
        }
    }

    /**
     * The router ships no logging backend and no logback configurator: the shop's logback.xml (from
     * this project's resources, not a jar) configured logging, its levels hold, and the router's lines
     * are in the shop's log file in the shop's format.
     */
    @Test
    void theShopsOwnLogbackConfigurationIsInForce() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        URL config = ConfigurationWatchListUtil.getMainWatchURL(ctx);
        assertNotNull(config, "logback was not configured from a file");
        assertEquals(Path.of("target", "classes", "logback.xml").toAbsolutePath().toUri().toURL(), config,
                "configured from " + config);
        List<String> configurators = new ArrayList<>();
        ServiceLoader.load(Configurator.class).stream().forEach(p -> configurators.add(p.type().getName()));
        assertEquals(List.of(), configurators, "logback configurators on the class path");
        assertEquals(Level.INFO, ctx.getLogger("dev.cutover.route.Router").getEffectiveLevel());
        assertEquals(Level.WARN, ctx.getLogger("com.zaxxer.hikari").getEffectiveLevel());

        Path log = Path.of(System.getProperty("shop.log.file"));
        try (var pool = new Db("old database", pg.url("shop_old")).pool("shop-log", 1);
             OrderStore shop = OrderStore.open(pool, pool, redis.url(), plan, target().resolve("spill"))) {
            String line = " INFO  [shop] [main] dev.cutover.route.Router - router " + shop.router().instanceId() + " for migration "
                    + plan.name() + " started";
            assertTrue(Files.readString(log, StandardCharsets.UTF_8).contains(line), () -> "no line '" + line + "' in " + log);
        }
    }

    private static Path target() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = EmbedRouterTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void exec(String url, String... sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String q : sql) {
                s.execute(q);
            }
        }
    }

    private static long count(Db db, String sql) throws SQLException {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
