package dev.cutover.ui.verify;

import dev.cutover.sql.Direction;
import dev.cutover.verify.Repairer;
import dev.cutover.verify.VerifyReport;

import java.util.List;

/** What the Verify screen says of a finished run, in one line each: the verdict and the status message. No window: tested alone. */
final class VerifyWords {
    private VerifyWords() {
    }

    /** The next step in dual_write while the latest verification does not let the phase move on to shadow_read. */
    static final String NEXT = "Next: Verify, then Repair all if it finds differences; Shadow reads needs a clean, fresh verification.";
    /** Before dual_write without change capture: why a verification now finds the rows written since the backfill. */
    static final String NOT_FOLLOWED = "Writes are not followed yet: until dual_write the routers write the old database only, so rows"
            + " written after the backfill copied them show as differences. Move to dual_write (Traffic & phase), then Verify and Repair all.";

    /** The result in one line; starts with "SAMPLE" for a sampled run (a sample is never a proof). */
    static String verdict(VerifyReport r) {
        String label = r.sampled() ? "SAMPLE " : "";
        String lossy = r.lossy() == 0 ? "" : " (" + n(r.lossy()) + " lossy, no differences)";
        if (r.identical()) {
            return label + (r.sampled() ? "no difference in " + n(r.rowsCompared())
                    + " sampled rows (a sample is never a proof; run a full verify)" : "clean: " + n(r.rowsCompared()) + " rows identical")
                    + lossy;
        }
        return label + n(r.differences()) + " differences in " + n(r.rowsCompared()) + " rows compared" + lossy;
    }

    /**
     * The status line of a run of {@code plan} that ended: what "Repair all" re-synced first (when it
     * did), the direction, the time, whether it was stored as the guard's verification, and whether
     * the list holds only the first {@code kept} differences ({@code shownTables}: the compared tables as the screen names them).
     */
    static String finished(String plan, VerifyReport r, Repairer.Result repaired, List<String> shownTables, boolean truncated, int kept) {
        String label = r.sampled() ? "SAMPLE " : "";
        String dir = r.direction() == Direction.FORWARD ? "forward (old is the truth)" : "reverse (new is the truth)";
        String rep = repaired == null ? "" : "Repaired " + n(repaired.upserted()) + " rows upserted, "
                + n(repaired.deleted()) + " deleted; verified again: ";
        return rep + label + (rep.isEmpty() && label.isEmpty() ? "Verify of " : "verify of ") + plan + " " + dir + " finished in "
                + String.format("%.1f s", r.elapsedMillis() / 1000.0) + "."
                + (r.complete() ? "" : " Only " + String.join(", ", shownTables) + " compared: not stored as the phase guard's verification.")
                + (truncated ? " The list holds the first " + n(kept) + " differences (so does Export CSV); Repair all re-syncs every one." : "")
                + (r.lossy() == 0 ? "" : " " + Character.toUpperCase(r.lossyLine().charAt(0)) + r.lossyLine().substring(1)
                .replace("repair leaves", "Repair all leaves") + ".");
    }

    /** The status line after "Repair selected": how many were re-synced from which side, and what still differs. */
    static String repairedSelected(int picked, Direction d, Repairer.Selected sel) {
        String truth = d == Direction.FORWARD ? "the old database" : "the new database";
        return "Repaired " + n(picked) + " selected rows from " + truth + ": " + n(sel.upserted()) + " upserted, " + n(sel.deleted())
                + " deleted; " + (sel.stillDiffering().isEmpty() ? "all identical when compared again."
                : n(sel.stillDiffering().size()) + " still differ when compared again (listed).");
    }

    static String n(long n) {
        return String.format("%,d", n);
    }
}
