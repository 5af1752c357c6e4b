package dev.cutover.work;

import java.util.Locale;

/**
 * Where a table of a chunked job stands: {@link #WAITING} (not started), {@link #RUNNING},
 * {@link #COMPLETE} or {@link #FAILED}; {@link #PAUSED} is a running table whose chunks wait for
 * Resume, shown in progress and the Redis summary, never written to the ledger. Its {@linkplain #word word} is how it is written in the
 * ledger's {@code cutover.work_run.state}, the Redis summaries and the command line's output
 * (docs/contracts.md), so {@link #toString} gives the word too.
 */
public enum TableState {
    WAITING,
    RUNNING,
    COMPLETE,
    FAILED,
    PAUSED;

    private final String word = name().toLowerCase(Locale.ROOT);

    /** The lower-case word of the ledger, Redis and the output. */
    public String word() {
        return word;
    }

    /** The state a ledger row's {@code state} names; an unknown word is a bug in the ledger's schema. */
    public static TableState of(String word) {
        for (TableState s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown table state '" + word + "' in the chunk ledger");
    }

    @Override
    public String toString() {
        return word;
    }
}
