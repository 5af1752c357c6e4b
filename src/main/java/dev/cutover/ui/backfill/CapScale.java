package dev.cutover.ui.backfill;

/**
 * The rows/s cap slider's scale: positions 0–99 run logarithmically from 10 to about 100,000
 * rows/s (rounded to two significant digits), position 100 (far right) is "no cap".
 */
public final class CapScale {
    public static final double MAX = 100;

    private CapScale() {
    }

    /** The cap at a slider position; 0 means no cap. */
    public static long toCap(double position) {
        if (position >= MAX - 0.5) {
            return 0;
        }
        double raw = 10 * Math.pow(10, Math.max(0, position) / MAX * 4);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)) - 1);
        return Math.max(10, Math.round(Math.round(raw / mag) * mag));
    }

    /** The slider position of a cap (0 = no cap, far right). */
    public static double toPosition(long cap) {
        if (cap <= 0) {
            return MAX;
        }
        return Math.min(MAX - 1, Math.max(0, Math.log10(cap / 10.0) / 4 * MAX));
    }

    public static String label(long cap) {
        return cap <= 0 ? "no cap" : String.format("%,d rows/s", cap);
    }
}
