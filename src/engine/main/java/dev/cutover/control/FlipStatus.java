package dev.cutover.control;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whether the routers have caught up with a write-target change ({@link FlipWait}): the live
 * routers (heartbeat younger than the live window), those of them that have not acknowledged
 * {@code version} yet, and the failed-write entries still queued that were made under another write
 * target than {@code writeTarget} (by write target; {@code unknown} for entries of routers that do
 * not record it). Complete when both are empty. No row keys or values: counts and router names.
 */
public record FlipStatus(long version, WriteTarget writeTarget, List<RouterHeartbeat> live,
                         List<RouterHeartbeat> notAcknowledged, Map<String, Long> queuedUnderOtherTarget,
                         boolean scanCut) {
    public FlipStatus {
        live = List.copyOf(live);
        notAcknowledged = List.copyOf(notAcknowledged);
        queuedUnderOtherTarget = Map.copyOf(queuedUnderOtherTarget);
    }

    public boolean complete() {
        return notAcknowledged.isEmpty() && queuedUnderOtherTarget.isEmpty();
    }

    public long queuedFromBefore() {
        return queuedUnderOtherTarget.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * One line: {@code version 7 (write target dual_write) acknowledged by all 2 live router(s); no failed
     * write from another write target queued} ({@code no router is running to acknowledge version 7 …}
     * when none is live), or what is missing: {@code not acknowledged by r1 (at version 11, 2 s ago); 3 failed
     * writes queued under dual_write}.
     */
    public String describe(long nowMillis) {
        if (complete()) {
            String of = "version " + version + " (write target " + writeTarget.wireName() + ")";
            return (live.isEmpty() ? "no router is running to acknowledge " + of : of + " acknowledged by all " + live.size() + " live router(s)")
                    + "; no failed write from another write target queued";
        }
        StringBuilder b = new StringBuilder("version " + version + " (write target " + writeTarget.wireName() + ") ");
        if (!notAcknowledged.isEmpty()) {
            b.append("not acknowledged by ").append(notAcknowledged.stream()
                    .map(r -> r.instance() + (r.host().isEmpty() ? "" : " on " + r.host()) + " (" + acked(r) + ", heartbeat "
                            + Math.max(0, (nowMillis - r.at()) / 1000) + " s ago)")
                    .collect(Collectors.joining(", ")));
            b.append(" of ").append(live.size()).append(" live router(s)");
        } else {
            b.append("acknowledged by all ").append(live.size()).append(" live router(s)");
        }
        if (!queuedUnderOtherTarget.isEmpty()) {
            b.append("; ").append(queuedFromBefore()).append(scanCut ? "+" : "").append(" failed write(s) still queued from before it (")
                    .append(queuedUnderOtherTarget.entrySet().stream().sorted(Map.Entry.comparingByKey())
                            .map(e -> e.getValue() + " under " + e.getKey()).collect(Collectors.joining(", ")))
                    .append(")");
        }
        return b.toString();
    }

    private static String acked(RouterHeartbeat r) {
        return r.ackedVersion() < 0 ? "applies version " + r.version() + ", acknowledges none: an older router"
                : "applies version " + r.version() + ", acknowledged " + r.ackedVersion();
    }
}
