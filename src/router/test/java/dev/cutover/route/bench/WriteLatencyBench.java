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
import org.openjdk.jmh.annotations.Param;
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
import java.util.concurrent.locks.LockSupport;

/**
 * The caller's latency of one write (update of an order by id): through the router in dual_write
 * (old committed, new mirrored off the caller's path), and as a direct JDBC update of the old
 * database. JMH samples every call; the report compares the p99.
 * Both run at the same time (a JMH group, one thread each), so background load on a shared
 * machine hits both alike and their ratio stays meaningful.
 *
 * <p>Each side writes at a fixed rate ({@code ratePerSec}, default 500 writes/s a side, like an
 * application's steady traffic; the wait for the next slot is a per-invocation setup, outside
 * the measured time). {@code -p ratePerSec=0} runs both closed-loop at their maximum rate, which
 * saturates the machine and, in dual_write, makes the database do half as much work again (the
 * mirrors) as for the direct side: it measures queueing on a saturated server, not the caller's
 * latency under an application's load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WriteLatencyBench {
    private BenchSetup setup;
    private Router router;

    /** Writes per second of each side; 0: as fast as possible (closed loop). */
    @Param({"500"})
    public int ratePerSec;

    /** One thread's pace: waits for its next slot before each write (not measured). */
    @State(Scope.Thread)
    public static class Pace {
        private long next;

        @Setup(Level.Invocation)
        public void awaitSlot(WriteLatencyBench b) {
            if (b.ratePerSec <= 0) {
                return;
            }
            long interval = 1_000_000_000L / b.ratePerSec;
            long now = System.nanoTime();
            next = next == 0 || now - next > interval ? now : next + interval;  // late: start now, no burst
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

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
    public long routerDualWrite(Pace pace) throws SQLException {
        long id = 1 + ThreadLocalRandom.current().nextInt(2000);
        return router.write(BenchSetup.UPDATE, id % BenchSetup.TENANTS, new BigDecimal("12.34"), "air", id).affected();
    }

    @Benchmark
    @Group("write")
    @GroupThreads(1)
    public long directJdbc(Pace pace) throws SQLException {
        long id = 1 + ThreadLocalRandom.current().nextInt(2000);
        try (Connection c = setup.directDs.getConnection(); PreparedStatement ps = c.prepareStatement(BenchSetup.OLD_UPDATE)) {
            ps.setObject(1, new BigDecimal("12.34"));
            ps.setObject(2, "air");
            ps.setObject(3, id);
            return ps.executeUpdate();
        }
    }
}
