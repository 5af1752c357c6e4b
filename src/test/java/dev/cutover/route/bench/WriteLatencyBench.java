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

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The caller's latency of one write (update of an order by id): through the router in dual_write
 * (old committed, new mirrored off the caller's path), and as a direct JDBC update of the old
 * database. JMH samples every call; the report compares the p99.
 * Both run at the same time (a JMH group, one thread each), so background load on a shared
 * machine hits both alike and their ratio stays meaningful.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WriteLatencyBench {
    private BenchSetup setup;
    private Router router;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        setup = new BenchSetup("write");
        router = setup.router(Phase.DUAL_WRITE, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        setup.close();
    }

    @Benchmark
    @Group("write")
    @GroupThreads(1)
    public long routerDualWrite() throws SQLException {
        long id = 1 + ThreadLocalRandom.current().nextInt(2000);
        return router.write(BenchSetup.UPDATE, id % BenchSetup.TENANTS, new BigDecimal("12.34"), "air", id).affected();
    }

    @Benchmark
    @Group("write")
    @GroupThreads(1)
    public long directJdbc() throws SQLException {
        long id = 1 + ThreadLocalRandom.current().nextInt(2000);
        try (Connection c = setup.directDs.getConnection(); PreparedStatement ps = c.prepareStatement(BenchSetup.OLD_UPDATE)) {
            ps.setObject(1, new BigDecimal("12.34"));
            ps.setObject(2, "air");
            ps.setObject(3, id);
            return ps.executeUpdate();
        }
    }
}
