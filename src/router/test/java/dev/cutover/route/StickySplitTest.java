package dev.cutover.route;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class StickySplitTest {
    @Test
    void murmur3MatchesTheReferenceVectors() {
        // published MurmurHash3_x86_32 vectors (seed 0 unless noted), as mmh3 and Guava compute them
        assertThat(StickySplit.murmur3(new byte[0], 0)).isZero();
        assertThat(StickySplit.murmur3(new byte[0], 1)).isEqualTo(0x514E28B7);
        assertThat(StickySplit.murmur3("hello".getBytes(StandardCharsets.UTF_8), 0)).isEqualTo(0x248bfa47);
        assertThat(Integer.toUnsignedLong(StickySplit.murmur3("foo".getBytes(StandardCharsets.UTF_8), 0))).isEqualTo(4138058784L);
        assertThat(StickySplit.murmur3("The quick brown fox jumps over the lazy dog".getBytes(StandardCharsets.UTF_8), 0))
                .isEqualTo(0x2e4ff723);
    }

    @Test
    void bucketIsStableAndDependsOnTheSalt() {
        assertThat(StickySplit.bucket("s", "tenant-42")).isEqualTo(StickySplit.bucket("s", "tenant-42"));
        int differ = 0;
        for (int i = 0; i < 100; i++) {
            differ += StickySplit.bucket("a", "k" + i) != StickySplit.bucket("b", "k" + i) ? 1 : 0;
        }
        assertThat(differ).isGreaterThan(90);
    }

    @Test
    void percentagesSelectNestedSetsOfKeys() {
        int at10 = 0;
        int at50 = 0;
        for (int i = 0; i < 10_000; i++) {
            String k = Integer.toString(i);
            boolean ten = StickySplit.readsNew("salt", k, 10);
            boolean fifty = StickySplit.readsNew("salt", k, 50);
            if (ten) {
                assertThat(fifty).as("key %s on new at 10%% stays on new at 50%%", k).isTrue();
            }
            at10 += ten ? 1 : 0;
            at50 += fifty ? 1 : 0;
        }
        assertThat(at10).isBetween(800, 1200);
        assertThat(at50).isBetween(4700, 5300);
        assertThat(StickySplit.readsNew("salt", "x", 0)).isFalse();
        assertThat(StickySplit.readsNew("salt", "x", 100)).isTrue();
    }
}
