package dev.cutover.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run mirror writes off the caller's path: {@code n} single-thread lanes with
 * bounded queues. A row's writes always take the same lane (by a hash of its key), so two writes of
 * one row are mirrored in the order they were made. A full lane refuses the task and the caller
 * queues the write for replay instead.
 */
final class MirrorLanes {
    private final ThreadPoolExecutor[] lanes;

    MirrorLanes(int n, int capacityPerLane) {
        lanes = new ThreadPoolExecutor[n];
        for (int i = 0; i < n; i++) {
            int id = i;
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacityPerLane), r -> {
                Thread t = new Thread(r, "cutover-mirror-" + id);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** False when the lane is full or shut down. */
    boolean submit(int hash, MirrorTask task) {
        try {
            lanes[Math.floorMod(hash, lanes.length)].execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Stops taking tasks, lets queued ones run for up to {@code timeout}, and returns those that did not start. */
    List<MirrorTask> shutdown(Duration timeout) {
        for (ThreadPoolExecutor l : lanes) {
            l.shutdown();
        }
        long end = System.nanoTime() + timeout.toNanos();
        List<MirrorTask> left = new ArrayList<>();
        for (ThreadPoolExecutor l : lanes) {
            try {
                l.awaitTermination(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (Runnable r : l.shutdownNow()) {
                left.add((MirrorTask) r);
            }
        }
        return left;
    }

    /** Tasks waiting in all lanes. */
    int backlog() {
        int n = 0;
        for (ThreadPoolExecutor l : lanes) {
            n += l.getQueue().size();
        }
        return n;
    }

    /** Tasks running now. */
    int active() {
        int n = 0;
        for (ThreadPoolExecutor l : lanes) {
            n += l.getActiveCount();
        }
        return n;
    }

    /** A mirror write, with the keys to queue if it cannot run. */
    interface MirrorTask extends Runnable {
        void giveUp(String why);
    }
}
