package dev.cutover.ui.backfill;

import dev.cutover.control.ControlKeys.Backfill;

import java.time.Duration;
import java.util.Map;

/** Words for the run summary hash every backfill process writes to Redis, and for rates and times left. */
final class RunSummary {
    private RunSummary() {
    }

    /** "Run in Redis: running · 1,200 of 2,200 rows · 850 rows/s · 1 s left · updated 0 s ago", or why not. */
    static String describe(Map<String, String> h) {
        return describe(h, "");
    }

    /** The same, but the run's error left out (" · its error above") when {@code shown}, what the screen already says, contains it. */
    static String describe(Map<String, String> h, String shown) {
        if (h == null || h.isEmpty()) {
            return "No backfill run of this migration in Redis yet.";
        }
        StringBuilder b = new StringBuilder("Run in Redis (all workers): ").append(h.getOrDefault(Backfill.STATE, "?"));
        long done = parse(h.get(Backfill.ROWS_DONE));
        long total = parse(h.get(Backfill.ROWS_TOTAL));
        b.append(" · ").append(String.format("%,d", done)).append(" of ").append(String.format("%,d", total)).append(" rows");
        if (Backfill.STATE_RUNNING.equals(h.get(Backfill.STATE))) {
            b.append(" · ").append(String.format("%,d", parse(h.get(Backfill.ROWS_PER_SEC)))).append(" rows/s");
            String eta = h.get(Backfill.ETA_SECONDS);
            if (eta != null && !eta.isBlank()) {
                b.append(" · ").append(eta(Duration.ofSeconds(parse(eta)))).append(" left");
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
