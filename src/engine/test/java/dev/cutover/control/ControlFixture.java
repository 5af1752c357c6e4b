package dev.cutover.control;

import dev.cutover.control.ControlKeys.Backfill;
import dev.cutover.control.ControlKeys.Metric;
import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.pg.DbIdentity;
import dev.cutover.testing.TestRedis;

import java.time.Duration;
import java.util.Map;

/** A migration on the shared test Redis with helpers that write what backfill, verify and the routers would. */
final class ControlFixture implements AutoCloseable {
    static final GuardSettings FAST = new GuardSettings(Duration.ofHours(1), 0.01, Duration.ofSeconds(5), 10);
    /** The databases and plan the fixture's guards are "connected to", and that {@link #verified} records. */
    static final VerifiedPair PAIR = new VerifiedPair(new DbIdentity("7000000000000000001", "shop_old", 16384),
            new DbIdentity("7000000000000000001", "shop_new", 16385), "sha256:" + "ab".repeat(32));

    final String migration;
    final RedisLink link;
    final ControlStore store;
    final ControlPlane plane;
    final ControlKeys keys;

    ControlFixture(String label) {
        this(TestRedis.sharedUrl(), TestRedis.uniqueMigration(label));
    }

    ControlFixture(String url, String migration) {
        this.migration = migration;
        this.link = RedisLink.open(url);
        this.store = new ControlStore(link, migration);
        this.plane = new ControlPlane(store, new Guards(store, FAST, System::currentTimeMillis, () -> PAIR));
        this.keys = new ControlKeys(migration);
    }

    void backfill(String state) {
        link.sync().hset(keys.backfill(), Map.of(Backfill.STATE, state, Backfill.ROWS_DONE, "1200", Backfill.ROWS_TOTAL, "1200",
                Backfill.UPDATED_AT, Long.toString(System.currentTimeMillis())));
    }

    void verified(boolean clean, String direction, boolean sampled, long ageMillis) {
        verified(clean, direction, sampled, ageMillis, PAIR);
    }

    /** A verification summary as verify writes it, of {@code of}. */
    void verified(boolean clean, String direction, boolean sampled, long ageMillis, VerifiedPair of) {
        Map<String, String> h = new java.util.HashMap<>(Map.of(Verify.AT, Long.toString(System.currentTimeMillis() - ageMillis),
                Verify.CLEAN, Boolean.toString(clean), Verify.ROWS_COMPARED, "1200", Verify.DIFFERENCES, clean ? "0" : "3",
                Verify.DIRECTION, direction, Verify.SAMPLED, Boolean.toString(sampled)));
        h.putAll(of.fields());
        link.sync().hset(keys.verify(), h);
    }

    void failedWrite() {
        link.sync().xadd(keys.failedWrites(), Map.of("table", "orders", "key", "{\"id\":1}", "at", "0", "error", "x"));
    }

    void drainQueue() {
        link.sync().del(keys.failedWrites());
    }

    /**
     * Shadow comparisons in each of the last {@code seconds} seconds and the next 30 (so a slow
     * test machine still finds them in its window when the guard runs a few seconds later).
     */
    void shadowTraffic(int seconds, long comparedPerSecond, long mismatchesPerSecond) {
        long now = System.currentTimeMillis() / 1000;
        for (long s = now - seconds; s <= now + 30; s++) {
            link.sync().hset(keys.metricsBucket(s), Map.of(Metric.COMPARED, Long.toString(comparedPerSecond),
                    Metric.MISMATCHES, Long.toString(mismatchesPerSecond)));
            link.sync().expire(keys.metricsBucket(s), 120);
        }
    }

    /** Everything the guards ask for, satisfied. */
    void allGuardsPass() {
        backfill(Backfill.STATE_COMPLETE);
        verified(true, Verify.DIRECTION_FORWARD, false, 1000);
        drainQueue();
        shadowTraffic(8, 100, 0);
    }

    @Override
    public void close() {
        link.close();
    }
}
