package dev.cutover.capture;

import dev.cutover.control.ControlKeys;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lag and health of a sync process, as it writes them about once a second to the hash
 * {@code cutover:{M}:sync} (fields {@link ControlKeys.Sync}; docs/control.md). {@code lagBytes}:
 * {@code pg_current_wal_lsn() − confirmed_flush_lsn} of the slot; {@code lagSeconds}: 0 when every
 * change received is applied, else now − the commit time of the oldest transaction whose keys wait;
 * {@code retainedBytes}: WAL the slot keeps on the old server ({@code restart_lsn} to now).
 */
public record SyncStatus(String state, String slot, String confirmedLsn, long lagBytes, double lagSeconds, double changesPerSec,
                         long changesApplied, long retainedBytes, long maxRetainedBytes, String lastError, long updatedAt) {
    public static final String RUNNING = "running";
    public static final String RETRYING = "retrying";
    public static final String STOPPED = "stopped";
    public static final String FAILED = "failed";

    /**
     * True when this status says a sync process is live at {@code nowMillis}: running (or retrying a
     * lost connection) and written within {@link dev.cutover.control.Guards#SYNC_SILENCE} (it writes
     * every second) — the same silence after which the phase guards stop believing it runs.
     */
    public boolean live(long nowMillis) {
        return (RUNNING.equals(state) || RETRYING.equals(state)) && updatedAt > 0
                && nowMillis - updatedAt <= dev.cutover.control.Guards.SYNC_SILENCE.toMillis();
    }

    /** True when the slot keeps more WAL than the warning size. */
    public boolean retainedTooMuch() {
        return maxRetainedBytes > 0 && retainedBytes > maxRetainedBytes;
    }

    /** The hash fields. */
    public Map<String, String> toHash() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(ControlKeys.Sync.STATE, state);
        h.put(ControlKeys.Sync.SLOT, slot);
        h.put(ControlKeys.Sync.CONFIRMED_LSN, confirmedLsn == null ? "" : confirmedLsn);
        h.put(ControlKeys.Sync.LAG_BYTES, String.valueOf(lagBytes));
        h.put(ControlKeys.Sync.LAG_SECONDS, String.format(java.util.Locale.ROOT, "%.3f", lagSeconds));
        h.put(ControlKeys.Sync.CHANGES_PER_SEC, String.format(java.util.Locale.ROOT, "%.1f", changesPerSec));
        h.put(ControlKeys.Sync.CHANGES_APPLIED, String.valueOf(changesApplied));
        h.put(ControlKeys.Sync.RETAINED_WAL_BYTES, String.valueOf(retainedBytes));
        h.put(ControlKeys.Sync.MAX_RETAINED_WAL_BYTES, String.valueOf(maxRetainedBytes));
        h.put(ControlKeys.Sync.LAST_ERROR, lastError == null ? "" : lastError);
        h.put(ControlKeys.Sync.UPDATED_AT, String.valueOf(updatedAt));
        return h;
    }

    /** Read back from the hash; null when it is empty. */
    public static SyncStatus fromHash(Map<String, String> h) {
        if (h == null || h.isEmpty()) {
            return null;
        }
        return new SyncStatus(h.getOrDefault(ControlKeys.Sync.STATE, ""), h.getOrDefault(ControlKeys.Sync.SLOT, ""),
                h.getOrDefault(ControlKeys.Sync.CONFIRMED_LSN, ""), num(h, ControlKeys.Sync.LAG_BYTES),
                dec(h, ControlKeys.Sync.LAG_SECONDS), dec(h, ControlKeys.Sync.CHANGES_PER_SEC), num(h, ControlKeys.Sync.CHANGES_APPLIED),
                num(h, ControlKeys.Sync.RETAINED_WAL_BYTES), num(h, ControlKeys.Sync.MAX_RETAINED_WAL_BYTES),
                h.getOrDefault(ControlKeys.Sync.LAST_ERROR, ""), num(h, ControlKeys.Sync.UPDATED_AT));
    }

    private static long num(Map<String, String> h, String f) {
        try {
            return Long.parseLong(h.getOrDefault(f, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double dec(Map<String, String> h, String f) {
        try {
            return Double.parseDouble(h.getOrDefault(f, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Bytes in a short human form: {@code 1.5 GB}. */
    public static String bytes(long b) {
        String[] units = {"B", "kB", "MB", "GB", "TB"};
        double v = b;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? b + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    /** One line for people: state, lag, rate, retained WAL, last error. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "sync %s: lag %s, %.1f s; %.0f changes/s (%,d applied); slot %s retains %s of WAL%s",
                state, bytes(lagBytes), lagSeconds, changesPerSec, changesApplied, slot, bytes(retainedBytes),
                lastError == null || lastError.isEmpty() ? "" : "; last error: " + lastError);
    }

    /** The warning line when the slot retains more than the set size, else null. */
    public String warning() {
        return retainedTooMuch() ? "WARNING: replication slot " + slot + " retains " + bytes(retainedBytes) + " of WAL on the old"
                + " database (over " + bytes(maxRetainedBytes) + "); if sync is not coming back, drop it with 'cutover sync --drop'"
                + " before the old server's disk fills" : null;
    }
}
