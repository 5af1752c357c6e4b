package dev.cutover.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.route.Router;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The sample application running: HikariCP pools on both databases, the {@link Router} following
 * the migration's control state in Redis (or, without it, {@link DirectSides}), the {@link SaasApp} on it, and the {@link LoadGenerator}
 * driving the {@link SaasWorkload} at a fixed rate. {@code cutover demo}, {@code cutover load} and
 * the end-to-end proof all run it.
 */
public final class SampleRuntime implements AutoCloseable {
    /** Rate, worker threads and pool size of one run. */
    public record Settings(double rate, int threads, int poolSize, Path spillDir) {
        public static Settings forRate(double rate) {
            int threads = (int) Math.max(8, Math.min(64, rate / 25));
            return new Settings(rate, threads, threads, null);
        }
    }

    private final HikariDataSource oldPool;
    private final HikariDataSource newPool;
    private final Router router;
    private final DirectSides direct;
    private final SaasWorkload workload;
    private final LoadGenerator load;

    private SampleRuntime(HikariDataSource oldPool, HikariDataSource newPool, Router router, DirectSides direct, SaasWorkload workload,
                          LoadGenerator load) {
        this.oldPool = oldPool;
        this.newPool = newPool;
        this.router = router;
        this.direct = direct;
        this.workload = workload;
        this.load = load;
    }

    /**
     * The sample application without the router ({@link DirectSides}): plain JDBC on the old
     * database until {@link DirectSides#switchTo switched}; a write refused by a write block waits
     * for the switch up to {@code maxWaitMillis}. The load is not started yet.
     */
    public static SampleRuntime openDirect(Db oldDb, Db newDb, Settings settings, long maxWaitMillis) throws SQLException {
        return open(oldDb, newDb, settings, (oldPool, newPool) -> new Sides(null, new DirectSides(oldPool, newPool, maxWaitMillis)));
    }

    /** Connects everything (reads the directory of users and orders from the old database); the load is not started yet. */
    public static SampleRuntime open(Db oldDb, Db newDb, String redisUrl, Plan plan, Settings settings) throws SQLException {
        return open(oldDb, newDb, settings, (oldPool, newPool) -> {
            Router.Builder b = Router.builder().oldDataSource(oldPool).newDataSource(newPool).redis(redisUrl).plan(plan)
                    .instanceId("sample-app-" + ProcessHandle.current().pid())
                    // a shadow difference is confirmed only if it is still there a second later: the
                    // mirror of a write that just landed on one side is not a mismatch
                    .recheckDelay(java.time.Duration.ofSeconds(1));
            if (settings.spillDir() != null) {
                b.spillDirectory(settings.spillDir());
            }
            return new Sides(b.build(), null);
        });
    }

    /** How the application reaches the databases: the router, or plain JDBC on one side. */
    private record Sides(Router router, DirectSides direct) {
        SaasApp app() {
            return router != null ? new SaasApp(router) : new SaasApp(direct);
        }
    }

    /** The pools, the directory of users and orders, the workload and its load over {@code sides}; the pools closed on failure. */
    private static SampleRuntime open(Db oldDb, Db newDb, Settings settings,
                                      java.util.function.BiFunction<HikariDataSource, HikariDataSource, Sides> sides) throws SQLException {
        HikariDataSource oldPool = oldDb.pool("sample-old", settings.poolSize());
        HikariDataSource newPool = newDb.pool("sample-new", settings.poolSize());
        try {
            Directory directory;
            try (Connection c = oldDb.connect()) {
                directory = Directory.load(c, 200_000);
            }
            Sides s = sides.apply(oldPool, newPool);
            SaasWorkload workload = new SaasWorkload(s.app(), directory, new WriteLog());
            LoadGenerator load = new LoadGenerator(settings.rate(), settings.threads(), workload);
            return new SampleRuntime(oldPool, newPool, s.router(), s.direct(), workload, load);
        } catch (SQLException | RuntimeException e) {
            oldPool.close();
            newPool.close();
            throw e;
        }
    }

    /** The router; null for {@link #openDirect}. */
    public Router router() {
        return router;
    }

    /** The application's own choice of database; null when it runs on the router. */
    public DirectSides direct() {
        return direct;
    }

    public SaasWorkload workload() {
        return workload;
    }

    public LoadGenerator load() {
        return load;
    }

    /**
     * Prints a line per second to {@code out} (when non-null), and starts a new figures segment
     * whenever the migration moves to another phase or read percentage, so the final report has
     * p50/p99 per phase.
     */
    public void reportEverySecond(java.io.PrintWriter out) {
        load.onSecond(s -> {
            String label;
            if (router == null) {
                label = "on " + direct.side(); // no router: the segments follow the database the application uses
            } else {
                var st = router.state();
                label = st.phase().wireName() + (st.phase() == dev.cutover.control.Phase.TRAFFIC_SHIFT ? " " + st.readPercent() + "%" : "");
            }
            if (!label.equals(load.currentSegment())) {
                load.segment(label);
            }
            if (out != null) {
                out.println(s.line());
                out.flush();
            }
        });
    }

    /** Stops the load (waiting for requests in flight), then the router (its mirror writes drain first), then the pools. */
    @Override
    public void close() {
        try {
            load.close();
        } finally {
            try {
                if (router != null) {
                    router.close();
                }
            } finally {
                oldPool.close();
                newPool.close();
            }
        }
    }
}
