package dev.cutover.cli;

import dev.cutover.work.ProgressEvent;
import dev.cutover.work.ProgressListener;
import dev.cutover.work.TableProgress;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows progress events on the command line: a bar redrawn in place ({@code \r}) on a terminal,
 * plain lines (at most one every few seconds) when the output is a file or a pipe.
 */
final class ProgressPrinter implements ProgressListener {
    private static final int BAR = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final long lineEveryNanos;
    private long lastLine;
    private int lastWidth;

    ProgressPrinter(PrintWriter out, boolean terminal, Duration lineEvery) {
        this.out = out;
        this.terminal = terminal;
        this.lineEveryNanos = lineEvery.toNanos();
        this.lastLine = System.nanoTime() - lineEveryNanos;
    }

    @Override
    public synchronized void onProgress(ProgressEvent e) {
        if (terminal) {
            String line = bar(e);
            out.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
            lastWidth = line.length();
            if (e.finished()) {
                out.println();
            }
            out.flush();
            return;
        }
        long now = System.nanoTime();
        if (!e.finished() && now - lastLine < lineEveryNanos) {
            return;
        }
        lastLine = now;
        out.println(line(e));
        out.flush();
    }

    static String bar(ProgressEvent e) {
        TableProgress t = e.total();
        int filled = (int) Math.round(t.fraction() * BAR);
        StringBuilder b = new StringBuilder("[").append("#".repeat(filled)).append(".".repeat(BAR - filled)).append("] ");
        b.append(summary(t));
        e.tables().stream().filter(x -> x.state() == dev.cutover.work.TableState.RUNNING).findFirst()
                .ifPresent(x -> b.append("  ").append(x.table()).append(' ').append(percent(x)));
        b.append(throttle(e));
        return b.toString();
    }

    static String line(ProgressEvent e) {
        StringBuilder b = new StringBuilder(e.job()).append(": ").append(summary(e.total()));
        for (TableProgress t : e.tables()) {
            b.append("; ").append(t.table()).append(' ').append(t.state()).append(' ').append(percent(t));
        }
        return b.append(throttle(e)).toString();
    }

    private static String summary(TableProgress t) {
        return String.format(Locale.ROOT, "%s %,d/%,d rows, %,d rows/s, ETA %s", percent(t), t.rowsDone(), t.rowsTotal(),
                Math.round(t.rowsPerSec()), eta(t.eta()));
    }

    private static String throttle(ProgressEvent e) {
        if (e.throttle() == null) {
            return "";
        }
        if (e.throttle().paused()) {
            return " [paused]";
        }
        if (e.throttle().backingOff()) {
            return String.format(Locale.ROOT, " [backing off: old database latency %.0f ms > %d ms]",
                    e.throttle().latencyMillis(), e.throttle().latencyLimitMillis());
        }
        return "";
    }

    private static String percent(TableProgress t) {
        return String.format(Locale.ROOT, "%.1f%%", t.fraction() * 100);
    }

    static String eta(Duration d) {
        if (d == null) {
            return "?";
        }
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
