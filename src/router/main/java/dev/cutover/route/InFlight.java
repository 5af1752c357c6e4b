package dev.cutover.route;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A count of work accepted and not finished (mirrors in the lanes, shadow comparisons, failed
 * writes on their way to the stream) that a caller can wait to reach zero. Counting is one atomic
 * add, as with a plain {@link AtomicLong}; the lock is taken only by the change that brings the
 * count to zero, and only while a waiter is parked, so a waiter wakes when the work is done instead
 * of looking again every few milliseconds.
 */
final class InFlight {
    private final AtomicLong count = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition zero = lock.newCondition();
    /** Callers parked in {@link #awaitZero}; the finishing side signals only when there is one. */
    private final AtomicLong waiters = new AtomicLong();

    long increment() {
        return count.incrementAndGet();
    }

    long decrement() {
        return add(-1);
    }

    /** Adds {@code delta} (negative when work finished); wakes the waiters when the count reaches zero. */
    long add(long delta) {
        long n = count.addAndGet(delta);
        if (n == 0 && delta < 0 && waiters.get() > 0) {
            lock.lock();
            try {
                zero.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return n;
    }

    long get() {
        return count.get();
    }

    /**
     * Waits until the count is zero, at most {@code timeout}; true when it is. An interrupt ends
     * the wait (false unless the count is zero) and keeps the thread's interrupt status.
     */
    boolean awaitZero(Duration timeout) {
        if (count.get() == 0) {
            return true;
        }
        long left = Math.max(0, timeout.toNanos());
        waiters.incrementAndGet();
        lock.lock();
        try {
            // the count is read under the lock after announcing the waiter: a change to zero after
            // this read signals under the same lock, so it cannot fall between the read and the await
            while (count.get() != 0) {
                if (left <= 0) {
                    return false;
                }
                left = zero.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return count.get() == 0;
        } finally {
            lock.unlock();
            waiters.decrementAndGet();
        }
    }

    /** {@link #awaitZero} with the time left until {@code deadlineNanos} of {@link System#nanoTime()}. */
    boolean awaitZeroUntil(long deadlineNanos) {
        return awaitZero(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
    }

    @Override
    public String toString() {
        return Long.toString(count.get());
    }
}
