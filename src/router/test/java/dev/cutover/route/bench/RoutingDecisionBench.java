package dev.cutover.route.bench;

import dev.cutover.control.Phase;
import dev.cutover.route.Router;
import dev.cutover.route.StickySplit;
import io.lettuce.core.api.sync.RedisCommands;
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

import java.util.concurrent.TimeUnit;

/**
 * The cost of one routing decision (which database serves this tenant's read) at a 25 % split:
 * Cutover's router reads its in-memory state and hashes the key; the naive design asks Redis for
 * the read percentage on every query.
 * Both run at the same time (a JMH group, one thread each), so background load on a shared
 * machine hits both alike and their ratio stays meaningful.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingDecisionBench {
    private BenchSetup setup;
    private Router router;
    private RedisCommands<String, String> redis;
    private String percentKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        setup = new BenchSetup("routing");
        router = setup.router(Phase.TRAFFIC_SHIFT, 25);
        redis = setup.redis.sync();
        percentKey = setup.keys.readPercent();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        setup.close();
    }

    private static Long nextTenant() {
        return (long) java.util.concurrent.ThreadLocalRandom.current().nextInt(BenchSetup.TENANTS);
    }

    @Benchmark
    @Group("decision")
    @GroupThreads(1)
    public boolean cutover() {
        return router.readsNew(nextTenant());
    }

    @Benchmark
    @Group("decision")
    @GroupThreads(1)
    public boolean naiveRedisGetPerQuery() {
        String p = redis.get(percentKey);
        return StickySplit.readsNew("bench", nextTenant().toString(), p == null ? 0 : Integer.parseInt(p));
    }
}
