package dev.cutover.demo;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Ids assigned by the application, so a row gets the same id on both databases whichever is
 * written first (a {@code bigserial} in one of them would not give the other one the same id).
 * Time-based: microseconds since the epoch at start, then counting up — never below any id of
 * an earlier run, far above the generated data's 1..N.
 */
public final class IdGenerator {
    private final AtomicLong last = new AtomicLong(System.currentTimeMillis() * 1000);

    public long next() {
        long floor = System.currentTimeMillis() * 1000;
        return last.updateAndGet(prev -> Math.max(prev + 1, floor));
    }
}
