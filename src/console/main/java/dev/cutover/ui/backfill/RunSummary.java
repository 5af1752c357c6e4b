package dev.cutover.ui.backfill;

import dev.cutover.control.ControlKeys.Backfill;

import java.time.Duration;
import java.util.Map;

/** Words for the run summary hash every backfill process writes to Redis, and for rates and times left. */
final class RunSummary {
    private RunSummary() {
    }

    /** "Run in Redis (all workers): running · 1,200 of ~2,200 rows (estimate) · 850 rows/s · 1 s left · updated 0 s ago", or why not. */
    static String describe(Map<String, String> h) {
        return describe(h, "");
    }

    /** The same, but the run's error left out (" · its error above") when {@code shown}, what the screen already says, contains it. */
    static String describe(Map<String, String> h, String shown) {
        return describe(h, shown, null);
    }

    /**
     * The same, with the rows copied and their total of {@code latest} when not null: this console's
     * run's last progress, read from the same ledger as the hash (every worker's chunks) but newer than
     * the hash polled each second, and the figures of the tables' lines: one set of figures on the screen.
     */
    static String describe(Map<String, String> h, String shown, dev.cutover.work.TableProgress latest) {
        if (h == null || h.isEmpty()) {
            return "No backfill run of this migration in Redis yet.";
        }
        StringBuilder b = new StringBuilder("Run in Redis (all workers): ").append(h.getOrDefault(Backfill.STATE, "?"));
        long done = latest != null ? latest.rowsDone() : parse(h.get(Backfill.ROWS_DONE));
        long total = latest != null ? Math.max(done, latest.rowsTotal()) : parse(h.get(Backfill.ROWS_TOTAL));
        if (Backfill.STATE_COMPLETE.equals(h.get(Backfill.STATE))) {
            b.append(" · ").append(String.format("%,d", done)).append(" rows"); // exact, as each complete table's line
        } else {
            // as the tables' lines: of the planner's row estimate ("~"), a complete table counted by its rows copied
            b.append(" · ").append(String.format("%,d", done)).append(" of ~").append(String.format("%,d", total)).append(" rows (estimate)");
        }
        if (Backfill.STATE_RUNNING.equals(h.get(Backfill.STATE))) {
            long rate = latest != null ? Math.round(latest.rowsPerSec()) : parse(h.get(Backfill.ROWS_PER_SEC));
            b.append(" · ").append(String.format("%,d", rate)).append(" rows/s");
            String eta = h.get(Backfill.ETA_SECONDS);
            if (latest != null ? latest.eta() != null : eta != null && !eta.isBlank()) {
                b.append(" · ").append(eta(latest != null ? latest.eta() : Duration.ofSeconds(parse(eta)))).append(" left");
            }
        }
        long at = parse(h.get(Backfill.UPDATED_AT));
        if (at > 0) {
            b.append(" · updated ").append(eta(Duration.ofMillis(Math.max(0, System.currentTimeMillis() - at)))).append(" ago");
        }
        String err = h.get(Backfill.ERROR);
        if (err != null && !err.isBlank()) {
            b.append(" · ").append(shown != null && shown.contains(err.strip()) ? "its error above" : err);
        }
        return b.toString();
    }

    /** "45 s", "12 min 5 s", "3 h 20 min"; "—" when unknown. */
    static String eta(Duration d) {
        if (d == null) {
            return "—";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return (s / 60) + " min " + (s % 60) + " s";
        }
        return (s / 3600) + " h " + (s % 3600 / 60) + " min";
    }

    private static long parse(String v) {
        try {
            return v == null || v.isBlank() ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
