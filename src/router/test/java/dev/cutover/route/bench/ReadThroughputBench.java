package dev.cutover.route.bench;

import dev.cutover.control.Phase;
import dev.cutover.route.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Reads of one tenant's orders per second, in old_only: through the router, and as a direct JDBC
 * call on an identical pool to the same database that builds the same row maps (the same result
 * type the router returns, List of column label to value, with the labels read once per query as
 * a careful application would).
 * Both run at the same time (a JMH group, one thread each), so background load on a shared
 * machine hits both alike and their ratio stays meaningful.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ReadThroughputBench {
    private BenchSetup setup;
    private Router router;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        setup = new BenchSetup("read");
        router = setup.router(Phase.BACKFILL, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        setup.close();
    }

    @Benchmark
    @Group("read")
    @GroupThreads(1)
    public List<Map<String, Object>> routerOldOnly() throws SQLException {
        long tenant = ThreadLocalRandom.current().nextInt(BenchSetup.TENANTS);
        return router.read(BenchSetup.LIST, tenant, tenant);
    }

    @Benchmark
    @Group("read")
    @GroupThreads(1)
    public List<Map<String, Object>> directJdbc() throws SQLException {
        long tenant = ThreadLocalRandom.current().nextInt(BenchSetup.TENANTS);
        try (Connection c = setup.directDs.getConnection(); PreparedStatement ps = c.prepareStatement(BenchSetup.LIST.oldSql())) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                int n = md.getColumnCount();
                String[] labels = new String[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = md.getColumnLabel(i + 1);
                }
                List<Map<String, Object>> out = new ArrayList<>();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>(n * 2);
                    for (int i = 0; i < n; i++) {
                        row.put(labels[i], rs.getObject(i + 1));
                    }
                    out.add(row);
                }
                return out;
            }
        }
    }
}
