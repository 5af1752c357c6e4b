package dev.cutover.work;

import dev.cutover.pg.Db;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** Tiny polling helper. */
    static final class Cli {
        static void await(java.util.function.BooleanSupplier c) throws InterruptedException {
            long end = System.currentTimeMillis() + 20_000;
            while (!c.getAsBoolean()) {
                if (System.currentTimeMillis() > end) {
                    throw new AssertionError("timed out");
                }
                Thread.sleep(20);
            }
        }
    }
}
