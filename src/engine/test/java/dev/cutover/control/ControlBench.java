package dev.cutover.control;

import dev.cutover.testing.TestRedis;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * Figures for docs/control.md (run by scripts/bench-control.sh, not a test): the cost of one
 * audited compare-and-set state change against a plain SET round trip, and the cost of recording
 * a metric sample on the request path against a bare LongAdder increment.
 */
public final class ControlBench {
    private ControlBench() {
    }

    public static void main(String[] args) {
        String url = args.length > 0 ? args[0] : TestRedis.sharedUrl();
        int changes = 2000;
        try (RedisLink link = RedisLink.open(url)) {
            String migration = TestRedis.uniqueMigration("bench");
            ControlPlane plane = new ControlPlane(new ControlStore(link, migration), GuardSettings.defaults());
            Actor me = new Actor("bench", "local");
            for (int i = 0; i < 200; i++) {
                link.sync().set("cutover-bench:warm", "x");
                ControlState s = plane.store().read();
                plane.setSampleRate(s, s.shadowSampleRate() == 0.5 ? 0.25 : 0.5, me, "warm-up");
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                link.sync().set("cutover-bench:baseline", Integer.toString(i));
            }
            long setNs = System.nanoTime() - t0;
            t0 = System.nanoTime();
            for (int i = 0; i < changes; i++) {
                ControlState s = plane.store().read();
                plane.setSampleRate(s, s.shadowSampleRate() == 0.5 ? 0.25 : 0.5, me, "bench");
            }
            long changeNs = System.nanoTime() - t0;
            link.sync().del("cutover-bench:baseline", "cutover-bench:warm");
            ControlKeys k = new ControlKeys(migration);
            link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                    k.changedAt(), k.createdAt(), k.audit());
            System.out.printf(Locale.ROOT, "state change (view + CAS script + audit + publish): %.0f µs each, plain SET %.0f µs; ratio %.1fx%n",
                    changeNs / 1000.0 / changes, setNs / 1000.0 / changes, (double) changeNs / setNs);

            int samples = 5_000_000;
            LongAdder bare = new LongAdder();
            try (MetricsWriter w = new MetricsWriter(link, new ControlKeys(TestRedis.uniqueMigration("bench-metrics")),
                    Duration.ofSeconds(30), System::currentTimeMillis, true)) {
                for (int round = 0; round < 2; round++) { // the first round warms up
                    t0 = System.nanoTime();
                    for (int i = 0; i < samples; i++) {
                        bare.increment();
                    }
                    long bareNs = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    for (int i = 0; i < samples; i++) {
                        w.compared("orders_by_id", (i & 1023) == 0);
                    }
                    long recNs = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    for (int i = 0; i < samples; i++) {
                        w.read((i & 7) == 0, 300 + (i & 4095), false);
                    }
                    long readNs = System.nanoTime() - t0;
                    if (round == 1) {
                        System.out.printf(Locale.ROOT, "metric sample on the request path: %.0f ns each, bare LongAdder %.1f ns; ratio %.1fx"
                                        + " (%d samples, flushed once a second in the background)%n",
                                (double) recNs / samples, (double) bareNs / samples, (double) recNs / bareNs, samples);
                        System.out.printf(Locale.ROOT, "read sample (count, latency sum, histogram) on the request path: %.0f ns each,"
                                        + " bare LongAdder %.1f ns; ratio %.1fx%n",
                                (double) readNs / samples, (double) bareNs / samples, (double) readNs / bareNs);
                    }
                }
            }
        }
        System.exit(0);
    }
}
