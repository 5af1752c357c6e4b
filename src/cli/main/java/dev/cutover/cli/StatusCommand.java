package dev.cutover.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.app.WritesFollow;
import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlView;
import dev.cutover.control.FlipStatus;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.Phase;
import dev.cutover.control.RouterHeartbeat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cutover status}: the control state, the guards of the next phase and the routers. */
@Command(name = "status", description = "Show the migration's control state, the guards of the next phase and the routers.%n"
        + "Exit 0; 1 when Redis lost the state; 2 on error.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    Connections connections;
    @Mixin
    PlanOptions plan;
    @Mixin
    GuardOptions guardOptions;
    @Mixin
    FlipOptions flipOptions;
    @Option(names = "--json", description = "print JSON")
    boolean json;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (ControlSession s = new ControlSession(connections, plan, guardOptions.settings())) {
            ControlView view = s.store.view();
            ControlState st = view.state();
            Phase next = st.phase() == Phase.CLEANUP ? null : Phase.values()[st.phase().ordinal() + 1];
            List<GuardCheck> guards = next == null || view.isLost() ? List.of() : s.plane.checksFor(st, next);
            List<RouterHeartbeat> routers = s.store.routers();
            List<AuditEntry> last = s.store.audit(1);
            FlipStatus flip = view.isLost() ? null : flipOptions.flipWait(s.store).status(st);
            dev.cutover.capture.SyncStatus sync = dev.cutover.capture.SyncHealth.read(s.link, s.migration);
            dev.cutover.capture.SyncStatus syncReverse = dev.cutover.capture.SyncHealth.readReverse(s.link, s.migration);
            PrintWriter out = spec.commandLine().getOut();
            long now = System.currentTimeMillis();
            WritesFollow follow = WritesFollow.of(routers, sync, syncReverse, now, flipOptions.routerLive);
            if (json) {
                ObjectNode o = ControlText.JSON.createObjectNode();
                o.put("migration", s.migration);
                o.put("redis", s.link.safeUrl());
                o.set("state", ControlText.state(st));
                o.put("changed_at", view.changedAt());
                if (view.isLost()) {
                    o.put("lost", view.lost());
                } else {
                    o.putNull("lost");
                }
                if (view.witness() == null) {
                    o.putNull("witness");
                } else {
                    o.put("witness", view.witness());
                }
                if (next == null) {
                    o.putNull("next_phase");
                } else {
                    o.put("next_phase", next.wireName());
                }
                o.set("guards", ControlText.guardsJson(guards));
                if (flip == null) {
                    o.putNull("flip");
                } else {
                    ObjectNode fo = o.putObject("flip");
                    fo.put("complete", flip.complete());
                    fo.put("version", flip.version());
                    fo.put("write_target", flip.writeTarget().wireName());
                    fo.put("live_routers", flip.live().size());
                    ArrayNode na = fo.putArray("not_acknowledged");
                    flip.notAcknowledged().forEach(r -> na.add(r.instance()));
                    ObjectNode q = fo.putObject("queued_under_other_write_target");
                    flip.queuedUnderOtherTarget().forEach(q::put);
                }
                ArrayNode rs = o.putArray("routers");
                for (RouterHeartbeat r : routers) {
                    ObjectNode ro = rs.addObject();
                    ro.put("instance", r.instance());
                    ro.put("host", r.host());
                    ro.put("version", r.version());
                    ro.put("acked_version", r.ackedVersion());
                    ro.put("degraded", r.degraded());
                    ro.put("reason", r.reason());
                    ro.put("at", r.at());
                }
                if (!last.isEmpty()) {
                    o.set("last_change", ControlText.auditJson(last.get(0)));
                }
                if (sync == null) {
                    o.putNull("sync");
                } else {
                    ObjectNode so = o.putObject("sync");
                    sync.toHash().forEach(so::put);
                }
                if (syncReverse != null) {
                    ObjectNode so = o.putObject("sync_reverse");
                    syncReverse.toHash().forEach(so::put);
                }
                o.put("writes_follow", follow.wireName());
                out.println(o.toString());
            } else {
                out.println("migration     " + s.migration + " on " + s.link.safeUrl());
                if (view.isLost()) {
                    out.println("STATE LOST    " + view.lost() + ControlSession.RESTORE_WITH);
                }
                out.println("phase         " + st.phase().wireName() + (view.changedAt() > 0 ? "   (last change " + ControlText.time(view.changedAt()) + ")" : ""));
                out.println("write target  " + st.writeTarget().wireName());
                out.println("writes follow by: " + follow.words(view.isLost() ? null : st.writeTarget()));
                out.println("read percent  " + st.readPercent() + "% of routing keys read from the new side");
                out.println("sample rate   " + st.shadowSampleRate() + " of reads shadow-compared");
                out.println("version       " + st.version() + (st.version() == 0 && !view.isLost() ? "   (never set: cutover phase backfill starts it)" : ""));
                if (flip != null && st.version() > 0) {
                    out.println((flip.complete() ? "applied       " : "FLIP PENDING  ") + flip.describe(now));
                }
                if (next != null && !view.isLost()) {
                    boolean ok = guards.stream().allMatch(GuardCheck::ok);
                    out.println("next phase    " + next.wireName() + (guards.isEmpty() ? "   (no guard)" : ok ? "   (all guards pass)" : "   (refused now)"));
                    out.print(ControlText.guards(guards, "              "));
                }
                out.println("witness       " + (view.witness() == null
                        ? "not checked (no --new): a lost Redis state is noticed only from this machine's cache" : view.witness()));
                long degraded = routers.stream().filter(RouterHeartbeat::degraded).count();
                out.println("routers       " + routers.size() + (degraded > 0 ? " (" + degraded + " DEGRADED)" : ""));
                for (RouterHeartbeat r : routers) {
                    String behind = r.version() < st.version() ? "  behind (version " + r.version() + ")" : "  version " + r.version();
                    out.println("              " + r.instance() + (r.host().isEmpty() ? "" : " on " + r.host()) + behind
                            + (r.degraded() ? "  DEGRADED: " + r.reason() : "  ok")
                            + (r.at() > 0 ? "  " + Math.max(0, (now - r.at()) / 1000) + " s ago" : ""));
                }
                if (!last.isEmpty()) {
                    out.println("last change   " + ControlText.audit(last.get(0)));
                }
                if (sync != null) {
                    out.println("sync          " + sync.line().substring("sync ".length()) + "   (" + Math.max(0, (now - sync.updatedAt()) / 1000)
                            + " s ago)");
                    if (sync.warning() != null) {
                        out.println("              " + sync.warning());
                    }
                }
                if (syncReverse != null) {
                    out.println("sync reverse  " + syncReverse.line().substring("sync ".length()) + "   ("
                            + Math.max(0, (now - syncReverse.updatedAt()) / 1000) + " s ago)");
                    if (syncReverse.warning() != null) {
                        out.println("              " + syncReverse.warning().replace("on the old database", "on the new database"));
                    }
                }
            }
            out.flush();
            return view.isLost() ? ExitCodes.FOUND : ExitCodes.OK;
        }
    }
}
