package dev.cutover.app;

import dev.cutover.control.Actor;
import dev.cutover.control.ConflictException;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlPlane;
import dev.cutover.control.ControlState;
import dev.cutover.control.ControlStore;
import dev.cutover.control.ControlView;
import dev.cutover.control.RouterHeartbeat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Declares a migration that once had a router sync-only, knowingly: the router's guards (shadow
 * mismatch rate, reads fully shifted) stop applying only when change capture is in use and no router
 * ever reported ({@code Guards.routerGuardsApply}), and a router leaves a mark that never expires
 * ({@link ControlKeys#routersSeen()}) so that a router that is merely down keeps its guards. When its
 * routers are gone for good (the application now writes the old database directly and sync follows),
 * this removes the mark, with one audited {@code forget_routers} entry naming the router it forgets
 * and the reason. Refused while a router heartbeat is live, while change capture is not in use (the
 * writes would then follow by nothing), and without a reason. The command line's
 * {@code cutover sync --forget-routers --reason R}.
 */
public final class SyncOnly {
    private SyncOnly() {
    }

    /** Why the routers were not forgotten (nothing was changed). */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message);
        }
    }

    /** What was forgotten: the mark as it was (empty when there was none, and nothing was written), and the state after the audit entry. */
    public record Forgotten(Map<String, String> mark, ControlState after) {
        public String line(String migration) {
            if (mark.isEmpty()) {
                return "migration " + migration + ": no router has reported, nothing to forget; the router's guards do not apply while sync is in use";
            }
            return "migration " + migration + ": forgot router " + mark.getOrDefault(ControlKeys.RoutersSeen.INSTANCE, "?") + " on "
                    + mark.getOrDefault(ControlKeys.RoutersSeen.HOST, "?") + " (last started " + at(mark) + "); audited as forget_routers"
                    + " at version " + after.version() + "; the shadow mismatch and read-shift guards no longer apply, the verification"
                    + " is the evidence";
        }
    }

    public static Forgotten forgetRouters(ControlPlane plane, Actor actor, String reason) {
        ControlStore store = plane.store();
        String m = store.migration();
        if (reason == null || reason.isBlank()) {
            throw new Refused("forgetting the routers of migration " + m + " needs a reason (--reason): it switches two guards off");
        }
        List<RouterHeartbeat> live = store.routers();
        if (!live.isEmpty()) {
            throw new Refused("refused: " + live.size() + " router" + (live.size() == 1 ? " is" : "s are") + " reporting for migration " + m + " now ("
                    + live.stream().map(r -> r.instance() + " on " + r.fields().getOrDefault(ControlKeys.Heartbeat.HOST, "?"))
                    .collect(Collectors.joining(", ")) + "); stop them first, their guards stay while they run");
        }
        if (store.hash(store.keys().sync()).isEmpty()) {
            throw new Refused("refused: change capture is not in use for migration " + m + " (no sync status in Redis); without a router"
                    + " or sync nothing carries the writes to the new database: start cutover sync first");
        }
        Map<String, String> mark = store.hash(store.keys().routersSeen());
        if (mark.isEmpty()) {
            return new Forgotten(mark, store.view().state());
        }
        String why = "forget routers (last: " + mark.getOrDefault(ControlKeys.RoutersSeen.INSTANCE, "?") + " on "
                + mark.getOrDefault(ControlKeys.RoutersSeen.HOST, "?") + ", started " + at(mark) + "): " + reason;
        ControlState after = null;
        for (int attempt = 1; after == null; attempt++) {
            ControlView view = store.view();
            if (view.isLost()) {
                throw new Refused("refused: " + view.lost());
            }
            ControlState now = view.state();
            try {
                after = plane.apply(new ControlPlane.Decision(now, now.phase(), List.of(), List.of(), ""), actor,
                        ControlStore.ACTION_FORGET_ROUTERS, why);
            } catch (ConflictException e) {
                if (attempt == 3) {
                    throw e;
                }
            }
        }
        store.delete(store.keys().routersSeen());
        return new Forgotten(mark, after);
    }

    private static String at(Map<String, String> mark) {
        try {
            return Instant.ofEpochMilli(Long.parseLong(mark.getOrDefault(ControlKeys.RoutersSeen.AT, ""))).toString();
        } catch (NumberFormatException e) {
            return "at an unknown time";
        }
    }
}
