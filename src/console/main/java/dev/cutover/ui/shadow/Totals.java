package dev.cutover.ui.shadow;

import dev.cutover.control.MetricsSecond;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Words for the last minute of metrics, and times as the console shows them (UTC). */
final class Totals {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private Totals() {
    }

    static String describe(List<MetricsSecond> seconds) {
        int n = Math.min(60, seconds.size());
        if (n == 0) {
            return "";
        }
        List<MetricsSecond> last = seconds.subList(seconds.size() - n, seconds.size());
        MetricsSecond m = MetricsSecond.sum(last.get(0).epochSecond(), n, last);
        return String.format("Last minute: %,d compared · %s (%.3f %%) · %s · %s, %,d failed · queue depth %,d", m.compared(),
                count(m.mismatches(), "mismatch", "mismatches"), 100 * m.mismatchRate(),
                count(m.shadowErrors(), "shadow error", "shadow errors"), count(m.mirrorWrites(), "mirror write", "mirror writes"),
                m.mirrorFailures(), m.queueDepth());
    }

    private static String count(long n, String one, String many) {
        return String.format("%,d %s", n, n == 1 ? one : many);
    }

    /** A time in UTC, without the zone (the column heading names it). */
    static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }
}
