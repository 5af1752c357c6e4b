package dev.cutover.control;

/**
 * One exit condition evaluated now: its name (e.g. {@code backfill complete}), whether it holds,
 * and the detail a DBA needs ({@code backfill is running: 600 of 1200 rows}).
 */
public record GuardCheck(String name, boolean ok, String detail) {
    @Override
    public String toString() {
        return (ok ? "✓ " : "✗ ") + name + (detail.isEmpty() ? "" : ": " + detail);
    }
}
