package dev.cutover.route.bench;

import dev.cutover.control.Phase;
import dev.cutover.route.Router;
import dev.cutover.route.StickySplit;
import io.lettuce.core.api.sync.RedisCommands;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingDecisionBench {
    private BenchSetup setup;
    private Router router;
    private RedisCommands<String, String> redis;
    private String percentKey;
    private long tenant;

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

    private Long nextTenant() {
        tenant = (tenant + 1) % BenchSetup.TENANTS;
        return tenant;
    }

    @Benchmark
    public boolean cutover() {
        return router.readsNew(nextTenant());
    }

    @Benchmark
    public boolean naiveRedisGetPerQuery() {
        String p = redis.get(percentKey);
        return StickySplit.readsNew("bench", nextTenant().toString(), p == null ? 0 : Integer.parseInt(p));
    }
}
