package dev.cutover.work;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChunkSizerTest {

    @Test
    void growsTowardTheTargetTimeAtMostFourfoldPerChunk() {
        ChunkSizer s = new ChunkSizer(0.5, 1000, 10, 1_000_000);
        s.record(1000, 100_000_000L); // 10,000 rows/s: 5,000 rows would take 0.5 s, but growth is bounded
        assertThat(s.next()).isEqualTo(4000);
        s.record(4000, 400_000_000L);
        assertThat(s.next()).isEqualTo(5000);
    }

    @Test
    void shrinksForSlowWideRowsAndKeepsToItsBounds() {
        ChunkSizer s = new ChunkSizer(0.5, 5000, 100, 6000);
        s.record(5000, 5_000_000_000L); // 1,000 rows/s
        assertThat(s.next()).isEqualTo(500);
        s.record(500, 10_000_000_000L); // 50 rows/s
        assertThat(s.next()).isEqualTo(263); // smoothed: (1000 + 50) / 2 * 0.5
        for (int i = 0; i < 5; i++) {
            s.record(100, 100_000_000_000L);
        }
        assertThat(s.next()).isEqualTo(100); // floor
        for (int i = 0; i < 20; i++) {
            s.record(1_000_000, 1_000_000L);
        }
        assertThat(s.next()).isEqualTo(6000); // ceiling
        s.record(0, 1);
        assertThat(s.next()).isEqualTo(6000); // an empty chunk teaches nothing
        assertThatThrownBy(() -> new ChunkSizer(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rowsInAShortTimeAtTheMeasuredRate() {
        ChunkSizer s = new ChunkSizer(0.5, 1000, 10, 1_000_000);
        assertThat(s.rowsIn(0.05)).isEqualTo(1000); // nothing measured yet: the first chunk's size
        s.record(20_000, 100_000_000L); // 200,000 rows/s
        assertThat(s.rowsIn(0.05)).isEqualTo(10_000);
        assertThat(s.rowsIn(0.000001)).isEqualTo(10); // never under the floor
    }

    @Test
    void progressRatesAndEtas() {
        ProgressMeter m = new ProgressMeter(Duration.ofSeconds(10));
        assertThat(m.record("t", 0, 0)).isZero();
        assertThat(m.record("t", 1000, 1_000_000_000L)).isEqualTo(1000.0);
        assertThat(m.record("t", 5000, 3_000_000_000L)).isEqualTo(5000 / 3.0);
        assertThat(m.record("t", 5000, 20_000_000_000L)).isZero(); // nothing for 17 s: the window moved on
        assertThat(m.record("t", 6000, 21_000_000_000L)).isEqualTo(1000.0);
        assertThat(ProgressMeter.eta(10_000, 1000)).isEqualTo(Duration.ofSeconds(10));
        assertThat(ProgressMeter.eta(10_000, 0)).isNull();
        assertThat(ProgressMeter.eta(0, 0)).isEqualTo(Duration.ZERO);
        assertThat(new TableProgress("t", TableState.RUNNING, 50, 200, 1, null, null).fraction()).isEqualTo(0.25);
        assertThat(new TableProgress("t", TableState.COMPLETE, 0, 0, 0, Duration.ZERO, null).fraction()).isEqualTo(1.0);
    }
}
