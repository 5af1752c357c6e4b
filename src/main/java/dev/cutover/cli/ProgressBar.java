package dev.cutover.cli;

import dev.cutover.verify.TableReport;
import dev.cutover.verify.VerifyListener;

import java.io.PrintWriter;

/**
 * A one-line progress bar on stderr, redrawn at most every 200 ms, only when stderr is a
 * terminal (scripts and CI get no carriage-return noise, only the result).
 */
final class ProgressBar implements VerifyListener {
    private final PrintWriter err;
    private final boolean enabled;
    private final String verb;
    private long lastDraw;

    ProgressBar(PrintWriter err, String verb) {
        this.err = err;
        this.verb = verb;
        this.enabled = System.console() != null;
    }

    @Override
    public synchronized void progress(String table, long rowsDone, long estimate, long differences) {
        long now = System.nanoTime();
        if (!enabled || now - lastDraw < 200_000_000L) {
            return;
        }
        lastDraw = now;
        double f = estimate <= 0 ? 0 : Math.min(1.0, (double) rowsDone / estimate);
        int filled = (int) Math.round(f * 30);
        err.printf("\r%s %-20s [%s%s] %3d%% %,d rows, %,d differences   ", verb, table, "#".repeat(filled),
                ".".repeat(30 - filled), Math.round(f * 100), rowsDone, differences);
        err.flush();
    }

    @Override
    public synchronized void tableDone(TableReport report) {
        if (enabled) {
            err.print("\r" + " ".repeat(100) + "\r");
            err.flush();
        }
    }
}
