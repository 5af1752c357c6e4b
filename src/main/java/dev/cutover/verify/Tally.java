package dev.cutover.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** Counts confirmed differences per table and kind, keeps the first few for display, tells the listener. */
final class Tally implements ChunkComparer.Sink {
    private final VerifyListener listener;
    private final ConcurrentHashMap<String, AtomicLongArray> counts = new ConcurrentHashMap<>();
    private final List<Difference> first = new ArrayList<>();

    Tally(VerifyListener listener) {
        this.listener = listener;
    }

    @Override
    public void accept(TableCheck table, List<Difference> differences, Side from, Side to) {
        AtomicLongArray c = counts(table.name());
        for (Difference d : differences) {
            c.incrementAndGet(d.kind().ordinal());
            synchronized (first) {
                if (first.size() < VerifyReport.KEPT) {
                    first.add(d);
                }
            }
            listener.difference(d);
        }
    }

    AtomicLongArray counts(String table) {
        return counts.computeIfAbsent(table, t -> new AtomicLongArray(Difference.Kind.values().length));
    }

    long total(String table) {
        AtomicLongArray c = counts(table);
        long n = 0;
        for (int i = 0; i < c.length(); i++) {
            n += c.get(i);
        }
        return n;
    }

    TableReport report(String table, long fromRows) {
        AtomicLongArray c = counts(table);
        long missing = c.get(Difference.Kind.MISSING_IN_TARGET.ordinal());
        long extra = c.get(Difference.Kind.EXTRA_IN_TARGET.ordinal());
        long different = c.get(Difference.Kind.DIFFERENT.ordinal());
        return new TableReport(table, fromRows + extra, missing, extra, different);
    }

    List<Difference> first() {
        synchronized (first) {
            return List.copyOf(first);
        }
    }
}
