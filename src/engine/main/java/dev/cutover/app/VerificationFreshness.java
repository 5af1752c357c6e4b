package dev.cutover.app;

import dev.cutover.control.ControlKeys.Verify;
import dev.cutover.control.ControlStore;
import dev.cutover.control.GuardReader;
import dev.cutover.control.GuardSettings;
import dev.cutover.control.Guards;
import dev.cutover.control.GuardSnapshot;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;

import java.util.Optional;

/**
 * Whether the latest verification in Redis still holds, as the phase guard judges it
 * ({@link Guards#staleness}): a repair that changed rows, failed writes queued, mirror failures or
 * shadow mismatches after it make it stale. For the Verify screen's mark and any other front end.
 * Keeps one Redis connection until closed.
 */
public final class VerificationFreshness implements AutoCloseable {
    private final RedisLink link;
    private final ControlStore store;
    private final GuardReader reader;

    public VerificationFreshness(String redisUrl, String migration) {
        this.link = RedisLink.open(redisUrl);
        this.store = new ControlStore(link, migration);
        this.reader = new GuardReader(store, GuardSettings.defaults());
    }

    /** Why the latest verification is stale (every reason, one line), or empty when it holds or none was made. */
    public Optional<String> staleness() {
        return Optional.ofNullable(Guards.staleness(reader.readVerification(store.serverTimeMillis())));
    }

    /**
     * The phase now and the latest verification as the move to shadow_read judges it, in one read:
     * for the next-step hint of a front end.
     */
    public Latest latest() {
        Phase phase = store.read().phase();
        GuardSnapshot s = reader.readVerification(store.serverTimeMillis());
        var h = s.verification();
        long at = millis(h.get(Verify.AT));
        boolean old = at <= 0 || s.nowMillis() - at > GuardSettings.defaults().verifyMaxAge().toMillis();
        dev.cutover.capture.SyncStatus sync = dev.cutover.capture.SyncStatus.fromHash(store.hash(store.keys().sync()));
        return new Latest(phase, !h.isEmpty(), "true".equals(h.get(Verify.CLEAN)) && !"true".equals(h.get(Verify.SAMPLED)),
                old, Optional.ofNullable(Guards.staleness(s)).orElse(""), sync != null && sync.live(s.nowMillis()));
    }

    private static long millis(String v) {
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * The phase and the latest verification: whether there is one, whether it was full and clean,
     * too old, and why it is stale (empty when it is not).
     */
    public record Latest(Phase phase, boolean verified, boolean clean, boolean old, String stale, boolean syncLive) {
        public Latest(Phase phase, boolean verified, boolean clean, boolean old, String stale) {
            this(phase, verified, clean, old, stale, false);
        }

        /**
         * In dual_write, before shadow_read: the latest verification is missing, sampled, has
         * differences, is too old or stale, so Verify (and Repair all when it finds differences) comes next.
         */
        public boolean verifyNext() {
            return phase == Phase.DUAL_WRITE && (!verified || !clean || old || !stale.isEmpty());
        }

        /**
         * Before dual_write, with no change capture running: the routers write the old database only, so
         * the new one does not follow the writes yet, and every row written after the backfill copied it
         * shows as a difference (the walk verified in planning and found 1,855).
         */
        public boolean notFollowedYet() {
            return (phase == Phase.PLANNING || phase == Phase.BACKFILL) && !syncLive;
        }
    }

    @Override
    public void close() {
        link.close();
    }
}
