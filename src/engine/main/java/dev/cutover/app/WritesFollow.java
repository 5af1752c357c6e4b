package dev.cutover.app;

import dev.cutover.capture.SyncStatus;
import dev.cutover.control.RouterHeartbeat;

import java.time.Duration;
import java.util.List;

/**
 * How the application's writes reach the other database now, from what is live in Redis
 * (docs/sync.md, "Router, sync or both"): the routers (a heartbeat younger than the live window)
 * mirror them, change capture ({@code cutover sync}, forward or reverse, its status heard within
 * {@link dev.cutover.control.Guards#SYNC_SILENCE}) follows them, both, or nothing does. The one
 * place this is decided: {@code cutover status} and the console's status bar both show it.
 * The phase guards ask another question, whether a router ever reported, not whether one is live
 * ({@link dev.cutover.control.Guards#routerGuardsApply}): a router down now keeps its guards.
 */
public enum WritesFollow {
    NONE("none", "nothing live (no router heartbeat, no running sync)"),
    ROUTER("router", "router"),
    SYNC("sync", "sync"),
    ROUTER_AND_SYNC("router+sync", "router + sync");

    private final String wireName;
    private final String words;

    WritesFollow(String wireName, String words) {
        this.wireName = wireName;
        this.words = words;
    }

    /** In {@code status --json}: {@code none}, {@code router}, {@code sync}, {@code router+sync}. */
    public String wireName() {
        return wireName;
    }

    /** For people: {@code router}, {@code sync}, {@code router + sync}, or that nothing is live. */
    public String words() {
        return words;
    }

    /**
     * The words under a write target: where the routers write one database only ({@code old_only}
     * before dual_write, {@code new_only} in cleanup) they carry no write to the other, and saying
     * "router" alone would let a DBA think the new database follows.
     */
    public String words(dev.cutover.control.WriteTarget target) {
        if ((this == ROUTER || this == ROUTER_AND_SYNC) && target != null) {
            String only = switch (target) {
                case OLD_ONLY -> "routers write old only";
                case NEW_ONLY -> "routers write new only";
                default -> null;
            };
            if (only != null) {
                return (this == ROUTER ? (target == dev.cutover.control.WriteTarget.OLD_ONLY ? "none yet" : "none") : "sync") + " (" + only + ")";
            }
        }
        return words;
    }

    /**
     * The mode at {@code nowMillis}: a router counts when its heartbeat is at most {@code routerLive}
     * old (as the flip wait counts them), a sync when its status ({@code forward} or
     * {@code reverse}, each may be null) is {@linkplain SyncStatus#live live}.
     */
    public static WritesFollow of(List<RouterHeartbeat> routers, SyncStatus forward, SyncStatus reverse, long nowMillis, Duration routerLive) {
        boolean router = routers.stream().anyMatch(r -> r.at() > 0 && nowMillis - r.at() <= routerLive.toMillis());
        boolean sync = (forward != null && forward.live(nowMillis)) || (reverse != null && reverse.live(nowMillis));
        return router ? (sync ? ROUTER_AND_SYNC : ROUTER) : (sync ? SYNC : NONE);
    }
}
