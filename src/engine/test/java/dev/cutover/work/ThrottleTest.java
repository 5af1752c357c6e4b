package dev.cutover.work;

import dev.cutover.testing.NeedsServers;
import dev.cutover.pg.Db;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@NeedsServers
class ThrottleTest {

    private static CompletableFuture<Boolean> turn(Throttle t) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return t.awaitTurn(() -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void pauseHoldsWorkersUntilResume() throws Exception {
        Throttle t = new Throttle(0);
        t.pause();
        CompletableFuture<Boolean> f = turn(t);
        assertThatThrownBy(() -> f.get(400, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(t.state().paused()).isTrue();
        t.resume();
        assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theCapMakesWorkersWaitForTheRowsAlreadyMoved() throws Exception {
        Throttle t = new Throttle(1000);
        assertThat(turn(t).get(5, TimeUnit.SECONDS)).isTrue(); // nothing moved yet
        t.consume(500); // half a second's worth at 1000 rows/s
        long t0 = System.nanoTime();
        assertThat(turn(t).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(400);
    }

    private static CompletableFuture<Long> bookedTurn(Throttle t, long rows) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                assertThat(t.awaitTurn(() -> false, rows)).isTrue();
                return System.nanoTime();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void underACapATurnIsBookedSoWorkersStartOneAfterAnother() throws Exception {
        Throttle t = new Throttle(1000);
        long t0 = System.nanoTime();
        // three workers ask at once for chunks of 200 rows (0.2 s each at the cap): one goes now, the others after it
        List<CompletableFuture<Long>> turns = List.of(bookedTurn(t, 200), bookedTurn(t, 200), bookedTurn(t, 200));
        List<Long> at = new ArrayList<>();
        for (CompletableFuture<Long> f : turns) {
            at.add((f.get(20, TimeUnit.SECONDS) - t0) / 1_000_000);
        }
        Collections.sort(at);
        assertThat(at.get(1) - at.get(0)).isGreaterThanOrEqualTo(150);
        assertThat(at.get(2) - at.get(1)).isGreaterThanOrEqualTo(150);

        // a chunk that moved fewer rows than booked gives the time back: 0 of 200 moved, the next turn is not delayed by it
        Throttle u = new Throttle(100);
        assertThat(u.awaitTurn(() -> false, 200)).isTrue(); // books 2 s
        u.settle(200, 0);
        assertThat(bookedTurn(u, 10).get(1, TimeUnit.SECONDS)).isPositive();
        Throttle none = new Throttle(0);
        assertThat(none.awaitTurn(() -> false, 1_000_000)).isTrue();
        assertThat(bookedTurn(none, 1_000_000).get(1, TimeUnit.SECONDS)).isPositive(); // no cap: nothing booked
    }

    @Test
    void theCapCanBeChangedWhileWorkersWait() throws Exception {
        Throttle t = new Throttle(10);
        t.consume(1000); // 100 s at 10 rows/s
        CompletableFuture<Boolean> f = turn(t);
        assertThatThrownBy(() -> f.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        t.setMaxRowsPerSec(0); // the console's slider to "no cap"
        assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(t.maxRowsPerSec()).isZero();
        assertThat(t.rowsIn(0.5)).isEqualTo(Integer.MAX_VALUE);
        t.setMaxRowsPerSec(200);
        assertThat(t.rowsIn(0.5)).isEqualTo(100);
        assertThatThrownBy(() -> t.setMaxRowsPerSec(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStopRequestEndsTheWait() throws Exception {
        Throttle t = new Throttle(0);
        t.pause();
        assertThat(t.awaitTurn(() -> true)).isFalse();
    }

    @Test
    void backsOffWhileTheOldDatabaseIsSlowerThanTheLimit() throws Exception {
        try (TestDb db = TestDb.create("probe")) {
            Db d = new Db("old database", db.url());
            // a real slow answer: every probe takes 50 ms, over a 10 ms limit
            try (LatencyProbe slow = new LatencyProbe(d::connect, 20, "SELECT pg_sleep(0.05)").start();
                 LatencyProbe fast = new LatencyProbe(d::connect, 20).start()) {
                Throttle t = new Throttle(0);
                t.guardLatency(slow, 10);
                Cli.await(() -> slow.latencyMillis() >= 10);
                CompletableFuture<Boolean> f = turn(t);
                assertThatThrownBy(() -> f.get(600, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
                assertThat(t.state().backingOff()).isTrue();
                assertThat(t.state().latencyMillis()).isGreaterThanOrEqualTo(10);
                t.guardLatency(fast, 5_000); // latency back under the limit
                assertThat(f.get(20, TimeUnit.SECONDS)).isTrue();
                assertThat(t.state().backingOff()).isFalse();
            }
        }
    }

    @Test
    void theLatencyMeasureIsAHighPercentileOfTheLastProbesNotTheLatestOne() throws Exception {
        try (TestDb db = TestDb.create("probe_window")) {
            db.exec("CREATE SEQUENCE probes");
            Db d = new Db("old database", db.url());
            // every other probe waits 60 ms (a stall production would wait behind too), the others answer at once
            try (LatencyProbe p = new LatencyProbe(d::connect, 100, "SELECT pg_sleep(CASE WHEN nextval('probes') % 2 = 0 THEN 0.06 ELSE 0 END)")) {
                for (int i = 0; i < 6; i++) {
                    p.probe();
                    if (i >= 1) {
                        assertThat(p.latencyMillis()).as("after probe %d", i + 1).isGreaterThanOrEqualTo(50);
                    }
                }
                Throttle t = new Throttle(0);
                t.guardLatency(p, 20);
                assertThat(t.state().latencyMillis()).isGreaterThanOrEqualTo(50); // so the guard keeps backing off
            }
            try (LatencyProbe p = new LatencyProbe(d::connect, 100, "SELECT pg_sleep(0.03)")) {
                p.probe();
                assertThat(p.latencyMillis()).isGreaterThanOrEqualTo(25); // one probe is a measure of its own
            }
        }
    }

    /** Tiny polling helper. */
    static final class Cli {
        static void await(java.util.function.BooleanSupplier c) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(c::getAsBoolean);
        }
    }
}
