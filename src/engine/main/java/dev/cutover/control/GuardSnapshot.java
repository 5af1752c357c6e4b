package dev.cutover.control;

import java.util.List;
import java.util.Map;

/**
 * Everything the phase guards read from Redis, at one moment ({@link GuardReader} reads it;
 * {@link Guards} decides over it without Redis, so each decision is testable with a plain record).
 *
 * @param nowMillis           the moment (epoch ms) the guards judge at: ages and windows end here
 * @param backfill            the backfill summary hash ({@link ControlKeys#backfill}), empty when absent
 * @param failedWritesWaiting entries in the failed-write queue
 * @param verification        the latest verification hash ({@link ControlKeys#verify}), empty when absent
 * @param window              the metric buckets of the mismatch window, one per second ending at now
 * @param after               what happened after the latest verification
 * @param sync                change capture's health hash ({@link ControlKeys#sync}), empty when this
 *                            migration does not use {@code cutover sync} (router mode)
 * @param routers             whether a router ever reported for this migration
 */
public record GuardSnapshot(long nowMillis, Map<String, String> backfill, long failedWritesWaiting,
                            Map<String, String> verification, List<MetricsSecond> window, AfterVerification after,
                            Map<String, String> sync, Routers routers) {
    public GuardSnapshot {
        backfill = Map.copyOf(backfill);
        verification = Map.copyOf(verification);
        window = List.copyOf(window);
        sync = Map.copyOf(sync);
        routers = routers == null ? Routers.ASSUMED : routers;
    }

    /** A snapshot that does not say whether a router ever reported: taken as if one had ({@link Routers#ASSUMED}). */
    public GuardSnapshot(long nowMillis, Map<String, String> backfill, long failedWritesWaiting,
                         Map<String, String> verification, List<MetricsSecond> window, AfterVerification after,
                         Map<String, String> sync) {
        this(nowMillis, backfill, failedWritesWaiting, verification, window, after, sync, Routers.ASSUMED);
    }

    /** A snapshot of a migration without change capture. */
    public GuardSnapshot(long nowMillis, Map<String, String> backfill, long failedWritesWaiting,
                         Map<String, String> verification, List<MetricsSecond> window, AfterVerification after) {
        this(nowMillis, backfill, failedWritesWaiting, verification, window, after, Map.of());
    }

    /**
     * Whether any router ever reported for migration {@code migration}: its durable mark
     * ({@link ControlKeys#routersSeen()}) or a heartbeat present now ({@link ControlKeys#router}).
     * {@link Guards#routerGuardsApply} decides over it.
     */
    public record Routers(String migration, boolean everReported) {
        /** Not read: the router guards apply, as they always did. */
        public static final Routers ASSUMED = new Routers("", true);
    }

    /**
     * What changed the verified data after the verification: the routers' mirror failures and shadow
     * mismatches summed over the metric buckets still kept since it ({@code metrics}, from
     * {@code fromSecond}: the verification's second, or the oldest bucket Redis still keeps), and the
     * time the last failed write was queued ({@code lastFailedWriteMillis}, from the queue stream's
     * last generated id, which survives replay; 0 when none was ever queued).
     */
    public record AfterVerification(long fromSecond, MetricsSecond metrics, long lastFailedWriteMillis) {
        public static final AfterVerification NOTHING = new AfterVerification(0, new MetricsSecond(0, 0, Map.of()), 0);
    }
}
