package dev.cutover.control;

import dev.cutover.control.ControlKeys.Verify;

import java.util.List;

/**
 * Reads a {@link GuardSnapshot} from Redis: the backfill and verification hashes, the failed-write
 * queue's length and last generated id, the metric buckets of the mismatch window, and the mirror
 * failures and shadow mismatches since the latest verification (as far back as the buckets are
 * kept: {@link MetricsWriter#DEFAULT_RETENTION}).
 */
public final class GuardReader {
    private final ControlStore store;
    private final MetricsReader metrics;
    private final GuardSettings settings;

    public GuardReader(ControlStore store, GuardSettings settings) {
        this.store = store;
        this.metrics = new MetricsReader(store.link(), store.keys());
        this.settings = settings;
    }

    public GuardSnapshot read(long nowMillis) {
        ControlKeys keys = store.keys();
        var backfill = store.hash(keys.backfill());
        long waiting = store.streamLength(keys.failedWrites());
        var verification = store.hash(keys.verify());
        long now = nowMillis / 1000;
        long window = Math.max(1, settings.mismatchWindow().toSeconds());
        List<MetricsSecond> buckets = metrics.range(now - window, now);
        var sync = store.hash(keys.sync());
        return new GuardSnapshot(nowMillis, backfill, waiting, verification, buckets, after(verification, now), sync, routers(!sync.isEmpty()));
    }

    /**
     * Whether a router ever reported: its mark that never expires ({@link ControlKeys#routersSeen()}),
     * else a heartbeat present now (a router from before the mark, still running). Only asked when
     * change capture is in use: without it the answer changes nothing ({@link Guards#routerGuardsApply}).
     */
    GuardSnapshot.Routers routers(boolean syncInUse) {
        if (!syncInUse) {
            return GuardSnapshot.Routers.ASSUMED;
        }
        boolean seen = !store.hash(store.keys().routersSeen()).isEmpty() || !store.routers().isEmpty();
        return new GuardSnapshot.Routers(store.migration(), seen);
    }

    /**
     * Only what the verification guard reads (the verification hash and what happened after it),
     * for a screen that shows whether the latest verification still holds; the rest left empty.
     */
    public GuardSnapshot readVerification(long nowMillis) {
        var verification = store.hash(store.keys().verify());
        return new GuardSnapshot(nowMillis, java.util.Map.of(), 0, verification, List.of(), after(verification, nowMillis / 1000));
    }

    /** What happened after the verification in {@code verification} (nothing read when there is none). */
    GuardSnapshot.AfterVerification after(java.util.Map<String, String> verification, long nowSecond) {
        long at = Guards.parse(verification.get(Verify.AT));
        if (at <= 0) {
            return GuardSnapshot.AfterVerification.NOTHING;
        }
        long from = Math.max(at / 1000, nowSecond - MetricsWriter.DEFAULT_RETENTION.toSeconds());
        MetricsSecond sum = from < nowSecond ? metrics.total(from, nowSecond + 1) : new MetricsSecond(from, 0, java.util.Map.of());
        return new GuardSnapshot.AfterVerification(from, sum, store.streamLastIdMillis(store.keys().failedWrites()));
    }
}
