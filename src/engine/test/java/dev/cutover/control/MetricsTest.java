package dev.cutover.control;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys.Metric;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

@NeedsServers
class MetricsTest {

    @Test
    void samplesAreCountedPerSecondAndReadBackAsSeries() {
        try (ControlFixture f = new ControlFixture("metrics")) {
            AtomicLong clock = new AtomicLong(1_700_000_000_000L);
            try (MetricsWriter w = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(30), clock::get, false)) {
                for (int i = 0; i < 100; i++) {
                    w.read(false, 800, false);          // old: 0.8 ms → le_1
                    w.read(true, i < 98 ? 3_000 : 700_000, i == 0); // new: 98 × 3 ms, 2 × 700 ms, 1 error
                    w.compared("orders_by_id", i % 50 == 0);
                }
                w.compared("lines_by_order", false);
                w.shadowError();
                w.mirrorWrite(false);
                w.mirrorWrite(true);
                w.queueDepth(7);
                w.queueDepth(3);
                w.replayLagMs(1200);
                clock.addAndGet(1000);
                w.read(true, 10_000, false);
                assertThat(w.flush()).isTrue();
                assertThat(w.pendingSeconds()).isZero();
            }
            long s = 1_700_000_000L;
            List<MetricsSecond> series = new MetricsReader(f.link, f.keys).range(s - 1, s + 3);
            assertThat(series).extracting(MetricsSecond::epochSecond).containsExactly(s - 1, s, s + 1, s + 2);
            assertThat(series.get(0).isEmpty()).isTrue();
            MetricsSecond b = series.get(1);
            assertThat(b.reads(false)).isEqualTo(100);
            assertThat(b.reads(true)).isEqualTo(100);
            assertThat(b.errorRate(true)).isEqualTo(0.01);
            assertThat(b.compared()).isEqualTo(101);
            assertThat(b.mismatches()).isEqualTo(2);
            assertThat(b.queries()).containsExactly("lines_by_order", "orders_by_id");
            assertThat(b.mismatchRate("orders_by_id")).isEqualTo(0.02);
            assertThat(b.mismatchRate("lines_by_order")).isZero();
            assertThat(b.shadowErrors()).isEqualTo(1);
            assertThat(b.latencyMeanMs(false)).isEqualTo(0.8);
            assertThat(b.latencyMeanMs(true)).isEqualTo((98 * 3.0 + 2 * 700.0) / 100);
            assertThat(b.latencyP99Ms(false)).isEqualTo(1);
            assertThat(b.latencyP99Ms(true)).isEqualTo(1000);
            assertThat(b.latencyPercentileMs(true, 0.5)).isEqualTo(5);
            assertThat(b.mirrorWrites()).isEqualTo(2);
            assertThat(b.mirrorFailures()).isEqualTo(1);
            assertThat(b.queueDepth()).isEqualTo(7);
            assertThat(b.replayLagMs()).isEqualTo(1200);
            assertThat(series.get(2).reads(true)).isEqualTo(1);
            MetricsSecond total = new MetricsReader(f.link, f.keys).total(s, s + 2);
            assertThat(total.reads(true)).isEqualTo(101);
            assertThat(total.queueDepth()).isEqualTo(7);
            long ttl = f.link.sync().ttl(f.keys.metricsBucket(s));
            assertThat(ttl).isBetween(1L, 30L);
        }
    }

    @Test
    void severalWritersAddUpInOneBucket() {
        try (ControlFixture f = new ControlFixture("metrics-many")) {
            AtomicLong clock = new AtomicLong(1_700_000_100_000L);
            try (MetricsWriter a = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(30), clock::get, false);
                 MetricsWriter b = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(30), clock::get, false)) {
                a.compared("q", true);
                b.compared("q", false);
                a.queueDepth(4);
                b.queueDepth(9);
                a.flush();
                b.flush();
                a.compared("q", false);
                a.flush();
            }
            MetricsSecond m = new MetricsReader(f.link, f.keys).range(1_700_000_100L, 1_700_000_101L).get(0);
            assertThat(m.compared()).isEqualTo(3);
            assertThat(m.mismatches()).isEqualTo(1);
            assertThat(m.queueDepth()).isEqualTo(9);
        }
    }

    @Test
    void memoryStaysBoundedWhateverTheTrafficAndTheQueryLabels() {
        try (ControlFixture f = new ControlFixture("metrics-bounded")) {
            AtomicLong clock = new AtomicLong(1_700_000_200_000L);
            try (MetricsWriter w = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(30), clock::get, false)) {
                for (int i = 0; i < 5000; i++) {
                    w.compared("query-" + i, false);
                    w.read(true, i, false);
                }
                w.flush();
            }
            Map<String, String> bucket = f.link.sync().hgetall(f.keys.metricsBucket(1_700_000_200L));
            long perQuery = bucket.keySet().stream().filter(k -> k.startsWith(Metric.COMPARED + ":")).count();
            assertThat(perQuery).isEqualTo(MetricsWriter.MAX_QUERIES + 1);
            assertThat(bucket.get(Metric.comparedFor(MetricsWriter.OTHER_QUERY))).isEqualTo(Long.toString(5000 - MetricsWriter.MAX_QUERIES));
            assertThat(bucket.size()).isLessThan(200);
        }
    }

    @Test
    void recordingNeverWaitsForADeadRedisAndCountsArriveAfterItComesBack() throws Exception {
        try (TestRedis redis = TestRedis.startPrivate();
             ControlFixture f = new ControlFixture(redis.url(), TestRedis.uniqueMigration("metrics-down"))) {
            AtomicLong clock = new AtomicLong(1_700_000_300_000L);
            try (MetricsWriter w = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(60), clock::get, false)) {
                w.compared("q", true);
                // a hung Redis: the flush blocks (until its timeout) while the application keeps recording
                redis.signal("STOP");
                Thread flusher = new Thread(w::flush);
                flusher.start();
                // the flush is inside its call to Redis, parked until the reply (or its timeout)
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> flusher.getState() == Thread.State.WAITING
                        || flusher.getState() == Thread.State.TIMED_WAITING);
                for (int i = 0; i < 10_000; i++) {
                    w.compared("q", false);
                }
                assertThat(flusher.isAlive()).as("10,000 samples recorded while the flush still waits for Redis").isTrue();
                flusher.join();
                redis.signal("CONT");
                redis.kill();
                assertThat(w.flush()).isFalse();
                assertThat(w.pendingSeconds()).isEqualTo(1);
                assertThat(w.droppedSeconds()).isZero();
                redis.start();
                assertThat(w.flush()).isTrue();
                // Redis restarted empty: the counts the writer kept arrive now
                MetricsReader r = new MetricsReader(f.link, f.keys);
                assertThat(r.range(1_700_000_300L, 1_700_000_301L).get(0).compared()).isEqualTo(10_001);

                // seconds keep coming while Redis is down; only the newest MAX_PENDING_SECONDS are kept
                redis.kill();
                for (int s = 0; s < MetricsWriter.MAX_PENDING_SECONDS + 11; s++) {
                    clock.addAndGet(1000);
                    w.mirrorWrite(true);
                }
                assertThat(w.pendingSeconds()).isEqualTo(MetricsWriter.MAX_PENDING_SECONDS);
                assertThat(w.droppedSeconds()).isEqualTo(11);
                redis.start();
                assertThat(w.flush()).isTrue();
                long last = 1_700_000_300L + MetricsWriter.MAX_PENDING_SECONDS + 11;
                assertThat(r.total(1_700_000_301L, last + 1).mirrorFailures()).isEqualTo(MetricsWriter.MAX_PENDING_SECONDS);
                assertThat(r.range(1_700_000_301L, 1_700_000_312L)).allMatch(MetricsSecond::isEmpty);
            }
        }
    }

    @Test
    void samplesRecordedByManyThreadsWhileFlushesRunAreEachCountedOnce() throws Exception {
        try (ControlFixture f = new ControlFixture("metrics-concurrent")) {
            AtomicLong clock = new AtomicLong(1_700_000_400_000L);
            int threads = 4;
            int perThread = 50_000;
            try (MetricsWriter w = new MetricsWriter(f.link, f.keys, Duration.ofSeconds(60), clock::get, false)) {
                java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                List<Thread> recorders = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Thread r = new Thread(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < perThread; i++) {
                            w.read(i % 2 == 0, 1500, i % 10 == 0);
                            w.compared("q", i % 100 == 0);
                            if (i % 5000 == 0) {
                                clock.addAndGet(1000);  // seconds turn over while others record
                            }
                        }
                    });
                    r.start();
                    recorders.add(r);
                }
                start.countDown();
                while (recorders.stream().anyMatch(Thread::isAlive)) {
                    assertThat(w.flush()).isTrue();
                }
                for (Thread r : recorders) {
                    r.join();
                }
                assertThat(w.flush()).isTrue();
                assertThat(w.pendingSeconds()).isZero();
            }
            MetricsSecond total = new MetricsReader(f.link, f.keys).total(1_700_000_400L, clock.get() / 1000 + 1);
            long n = (long) threads * perThread;
            assertThat(total.reads(false) + total.reads(true)).isEqualTo(n);
            assertThat(total.errors(false) + total.errors(true)).isEqualTo(n / 10);
            assertThat(total.get(Metric.LATENCY_US_SUM_OLD) + total.get(Metric.LATENCY_US_SUM_NEW)).isEqualTo(n * 1500);
            assertThat(total.get(Metric.latencyField(false, 2)) + total.get(Metric.latencyField(true, 2))).isEqualTo(n);
            assertThat(total.compared()).isEqualTo(n);
            assertThat(total.get(Metric.comparedFor("q"))).isEqualTo(n);
            assertThat(total.mismatches()).isEqualTo(n / 100);
        }
    }
}
