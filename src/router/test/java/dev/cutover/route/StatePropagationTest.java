package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStateCodec;
import dev.cutover.control.Phase;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A phase change reaches every router instance within 200 ms; missed messages are caught by the refresh. */
@NeedsServers
class StatePropagationTest {
    private static RouterFixture f;

    @BeforeAll
    static void fixture() throws Exception {
        f = new RouterFixture("propagation", TestRedis.sharedUrl());
    }

    @AfterAll
    static void drop() throws Exception {
        f.close();
    }

    @Test
    void aPhaseChangeReachesEveryRouterWithin200Ms() throws Exception {
        List<Router> routers = List.of(f.router(), f.router(), f.router());
        for (Phase warmUp : new Phase[] {Phase.PLANNING, Phase.BACKFILL}) {  // each router's first message is not timed
            ControlState first = f.set(warmUp);
            for (Router r : routers) {
                RouterFixture.awaitVersion(r, first.version());
            }
        }
        Phase[] phases = {Phase.DUAL_WRITE, Phase.SHADOW_READ, Phase.TRAFFIC_SHIFT, Phase.NEW_PRIMARY, Phase.DUAL_WRITE};
        long worstNanos = 0;
        for (Phase p : phases) {
            ControlState s = f.store(p, 0, 0.0, "salt");
            long t0 = System.nanoTime();
            f.announce(s);
            for (Router r : routers) {
                RouterFixture.awaitVersion(r, s.version());
                assertThat(r.state()).isEqualTo(s);
                // when the router took the state over, not when this thread noticed
                worstNanos = Math.max(worstNanos, r.stateAppliedAtNanos() - t0);
            }
        }
        assertThat(Duration.ofNanos(worstNanos)).isLessThan(Duration.ofMillis(200));
        assertThat(routers).allSatisfy(r -> assertThat(r.readsNew(1L)).isFalse());
    }

    @Test
    void aChangeWithoutMessageIsPickedUpByThePeriodicRefreshAndOlderMessagesAreIgnored() throws Exception {
        Router r = f.router();
        ControlState base = f.set(Phase.SHADOW_READ);
        RouterFixture.awaitVersion(r, base.version());
        // written without PUBLISH, as if the message was lost
        long v = f.redis().incr(f.keys.version());
        f.redis().set(f.keys.phase(), Phase.TRAFFIC_SHIFT.wireName());
        RouterFixture.awaitVersion(r, v);
        assertThat(r.state().phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
        // a late message carrying an older version changes nothing (asserted once the router has handled it)
        long handled = r.controlMessagesHandled();
        f.redis().publish(f.keys.changes(), ControlStateCodec.toJson(
                new ControlState(Phase.PLANNING, Phase.PLANNING.writeTarget(), 0, 0, "", v - 1)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> r.controlMessagesHandled() > handled);
        assertThat(r.state().phase()).isEqualTo(Phase.TRAFFIC_SHIFT);
        assertThat(r.state().version()).isEqualTo(v);
        // the heartbeat tells the console which version this router follows
        Map<String, String> hb = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> f.redis().hgetall(f.keys.router(r.instanceId())), h -> Long.toString(v).equals(h.get("version")));
        assertThat(hb).containsEntry("version", Long.toString(v)).containsEntry("degraded", "false").containsKey("at");
        assertThat(f.redis().ttl(f.keys.router(r.instanceId()))).isPositive();
        // and it marks, without expiry, that a router reported for this migration (the phase guards read it)
        assertThat(f.redis().hgetall(f.keys.routersSeen())).containsEntry(ControlKeys.RoutersSeen.INSTANCE, r.instanceId())
                .containsKey(ControlKeys.RoutersSeen.AT);
        assertThat(f.redis().ttl(f.keys.routersSeen())).as("no expiry").isEqualTo(-1);
        r.close();
        assertThat(f.redis().exists(f.keys.router(r.instanceId()))).as("removed at clean shutdown").isZero();
        assertThat(f.redis().exists(f.keys.routersSeen())).as("the mark outlives the router").isEqualTo(1);
    }
}
