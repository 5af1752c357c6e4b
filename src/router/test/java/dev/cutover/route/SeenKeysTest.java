package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Phase;
import dev.cutover.control.SeenRoutingKeys;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Routers report the routing keys they serve; the console's reader counts the ones a move shifts, as the routers route them. */
@NeedsServers
class SeenKeysTest {
    private RouterFixture f;

    @BeforeEach
    void setUp() throws Exception {
        f = new RouterFixture("seen", TestRedis.sharedUrl());
    }

    @AfterEach
    void tearDown() throws Exception {
        f.redis().del(f.keys.routingKeys());
        f.close();
    }

    @Test
    void twoRoutersReportTheirTenantsAndTheCountOfAMoveMatchesTheirRouting() throws Exception {
        // reported by the test, not by the routers' ticks
        Router a = f.track(f.builder().replay(false).seenKeysInterval(Duration.ofHours(1)).build());
        Router b = f.track(f.builder().replay(false).seenKeysInterval(Duration.ofHours(1)).build());
        long v = f.set(Phase.TRAFFIC_SHIFT, 25, 0.0, "5eed5a17").version();
        RouterFixture.awaitVersion(a, v);
        RouterFixture.awaitVersion(b, v);
        Map<Long, Boolean> at25 = new HashMap<>();
        for (long t = 0; t < 100; t++) {
            Router r = t < 60 ? a : b;           // a serves 0..59, b 40..99: 20 tenants seen by both
            r.read(RouterFixture.LIST, t, t);
            if (t >= 40 && t < 60) {
                b.read(RouterFixture.LIST, t, t);
            }
            at25.put(t, r.readsNew(t));
        }
        a.read(RouterFixture.LIST, null, 7L);     // no routing key: nothing to report
        assertThat(a.sendSeenKeys()).isEqualTo(60);
        assertThat(b.sendSeenKeys()).isEqualTo(60);
        assertThat(a.sendSeenKeys()).as("the set starts over after each report").isZero();

        SeenRoutingKeys.Seen seen = SeenRoutingKeys.read(f.redis(), f.keys, "5eed5a17", Duration.ofMinutes(15),
                System.currentTimeMillis());
        assertThat(seen.count()).isEqualTo(100);
        assertThat(seen.capped()).isFalse();
        assertThat(SeenRoutingKeys.read(f.redis(), f.keys, "other-salt", Duration.ofMinutes(15), System.currentTimeMillis())
                .count()).as("keys are counted under the salt that routes them").isZero();

        long v50 = f.set(Phase.TRAFFIC_SHIFT, 50, 0.0, "5eed5a17").version();
        RouterFixture.awaitVersion(a, v50);
        int flipped = 0;
        int onNewAt25 = 0;
        for (long t = 0; t < 100; t++) {
            flipped += at25.get(t) != a.readsNew(t) ? 1 : 0;
            onNewAt25 += at25.get(t) ? 1 : 0;
        }
        assertThat(flipped).isPositive();
        assertThat(seen.moving(25, 50)).isEqualTo(flipped);
        assertThat(seen.moving(50, 25)).isEqualTo(flipped);
        assertThat(seen.moving(0, 25)).isEqualTo(onNewAt25);
        assertThat(seen.moving(0, 100)).isEqualTo(100);
        assertThat(seen.moving(25, 25)).isZero();
    }

    @Test
    void aRouterKeepsAtMostOneBoundedSetOfKeysBetweenReports() {
        SeenKeys s = new SeenKeys();
        for (int i = 0; i < SeenKeys.MAX_PER_INTERVAL + 50; i++) {
            s.record((long) i);
            s.record((long) i);                   // a key seen twice is one key
        }
        s.record(null);
        assertThat(s.take()).hasSize(SeenKeys.MAX_PER_INTERVAL).contains("0", "9999");
        assertThat(s.overflow.sum()).isEqualTo(100);
        s.record(42);
        s.record("42");                           // the same routing key as text: one member once sent
        s.record(java.util.UUID.fromString("00000000-0000-0000-0000-000000000001"));
        s.record(new StringBuilder("tenant-x"));  // other types by their text
        assertThat(s.take()).containsExactlyInAnyOrder("42", "00000000-0000-0000-0000-000000000001", "tenant-x");
    }
}
