package dev.cutover.ui.traffic;

import dev.cutover.testing.NeedsServers;
import dev.cutover.control.Actor;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The audit list's line for an override names the guard it passed (from the entry's guard field, in the real Redis). */
@NeedsServers
@Timeout(30)
class AuditLineTest {
    @Test
    void anOverrideNamesTheGuardItPassed() {
        String migration = TestRedis.uniqueMigration("auditline");
        try (RedisLink link = RedisLink.open(TestRedis.sharedUrl())) {
            ControlStore store = new ControlStore(link, migration);
            Actor tester = new Actor("tester", "test-host");
            ControlPlane plane = new ControlPlane(store, GuardSettings.defaults());
            ControlState s = plane.movePhase(ControlState.initial(), Phase.SHADOW_READ, tester, "setup", true);
            plane.movePhase(s, Phase.TRAFFIC_SHIFT, tester, "the verify ran on staging", true);
            List<AuditEntry> audit = store.audit(10);
            AuditEntry last = audit.stream().filter(a -> "traffic_shift".equals(a.to())).findFirst().orElseThrow();
            String line = TrafficView.auditLine(last);
            assertThat(line).contains("shadow_read → traffic_shift   OVERRIDE   — the verify ran on staging\nOverrode: ")
                    .contains("no verification has run (run one on the Verify screen)").doesNotContain("cutover verify");
            var k = store.keys();
            link.sync().del(k.phase(), k.writeTarget(), k.readPercent(), k.shadowSampleRate(), k.routingSalt(), k.version(),
                    k.audit(), k.key("changed_at"), k.key("created_at"));
        }
    }
}
