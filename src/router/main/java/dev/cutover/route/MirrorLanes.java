package dev.cutover.route;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The threads that run mirror writes off the caller's path: {@code n} single-thread lanes with
 * bounded queues. A row's writes always take the same lane (by a hash of its key), so two writes of
 * one row are mirrored in the order they were made. A full lane refuses the task and the caller
 * queues the write for replay instead. A lane hands the runner the task it woke for together with
 * those queued right behind it that {@linkplain MirrorTask#joins join} it (up to {@code maxBatch},
 * in order), so a backlog can run in one transaction instead of a commit per write
 * ({@link MirrorWriter}); what the runner is given is one unit, started or not at all.
 *
 * <p>Handing a task over does not wake the lane. A lane that has had work in the last
 * {@link #IDLE} looks at its queue every {@link #POLL}; only a lane that went to sleep after that
 * is woken by the caller (the first write after a quiet spell). Waking a thread on every write put
 * the lane's own start — connection, statement, send — on the caller's latency: on a busy machine
 * the woken lane preempts the caller (measured: 36 µs on the caller's path per dual write, at
 * 500 writes/s on the 2-core test machine). The price is a mirror starting up to {@link #POLL}
 * later, and a few hundred short wake-ups a second per lane while writes flow.
 */
final class MirrorLanes<T extends MirrorLanes.MirrorTask> {
    private static final Logger LOG = LoggerFactory.getLogger(MirrorLanes.class);
    static final long POLL = TimeUnit.MILLISECONDS.toNanos(1);
    static final long IDLE = TimeUnit.MILLISECONDS.toNanos(20);

    private final List<Lane> lanes;
    /** Tasks accepted and not yet finished (queued or running), for {@link #unfinished}. */
    private final InFlight unfinished = new InFlight();
    private final Consumer<List<T>> runner;
    private final int maxBatch;

    /** {@code runner} runs the tasks it is given in their order, and handles their exceptions itself. */
    MirrorLanes(int n, int capacityPerLane, int maxBatch, Consumer<List<T>> runner) {
        this.runner = runner;
        this.maxBatch = Math.max(1, maxBatch);
        List<Lane> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Lane lane = new Lane(capacityPerLane);
            Thread t = new Thread(lane, "cutover-mirror-" + i);
            t.setDaemon(true);
            lane.thread = t;
            all.add(lane);
        }
        lanes = List.copyOf(all);
        lanes.forEach(l -> l.thread.start());
    }

    private final class Lane implements Runnable {
        final ArrayBlockingQueue<T> queue;
        Thread thread;
        volatile boolean sleeping;
        volatile boolean running;
        volatile boolean closed;

        Lane(int capacity) {
            queue = new ArrayBlockingQueue<>(capacity);
        }

        @Override
        public void run() {
            long lastWork = System.nanoTime();
            List<T> batch = new ArrayList<>(maxBatch);
            while (true) {
                T t = queue.poll();
                if (t != null) {
                    batch.clear();
                    batch.add(t);
                    // only tasks that can run with the first as one unit; the others stay queued (a
                    // shutdown returns them), each its own unit when its turn comes
                    for (T next = queue.peek(); next != null && batch.size() < maxBatch && next.joins(t); next = queue.peek()) {
                        T taken = queue.poll();
                        if (taken == null) {
                            break; // drained by a shutdown meanwhile
                        }
                        batch.add(taken);
                    }
                    running = true;
                    try {
                        runner.accept(batch);
                    } catch (Error e) {
                        if (e instanceof VirtualMachineError) {
                            throw e;
                        }
                        // a runner handles its tasks' exceptions; an Error (a driver's AssertionError) must
                        // not lose the writes: they are queued like any failed mirror (a replay of one that
                        // did run re-syncs a row that is already right)
                        LOG.error("mirror task failed: {}", e.toString(), e);
                        batch.forEach(b -> giveUpQuietly(b, e.toString()));
                    } catch (RuntimeException e) {
                        // the same: a runner's bug must not leave writes neither mirrored nor queued
                        LOG.error("mirror task failed: {}", e.toString(), e);
                        batch.forEach(b -> giveUpQuietly(b, e.toString()));
                    } finally {
                        running = false;
                        unfinished.add(-batch.size());
                    }
                    lastWork = System.nanoTime();
                    continue;
                }
                if (closed || Thread.currentThread().isInterrupted()) {
                    return;
                }
                if (System.nanoTime() - lastWork < IDLE) {
                    LockSupport.parkNanos(this, POLL);
                    continue;
                }
                sleeping = true;
                // a task offered before the flag was seen is in the queue now: look once more
                if (queue.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                sleeping = false;
                lastWork = System.nanoTime();
            }
        }

        void wake() {
            LockSupport.unpark(thread);
        }
    }

    private static void giveUpQuietly(MirrorTask t, String why) {
        try {
            t.giveUp(why);
        } catch (RuntimeException e) {
            LOG.error("mirror task could not be queued: {}", e.toString(), e);
        }
    }

    /** False when the lane is full or shut down. */
    boolean submit(int hash, T task) {
        Lane l = lanes.get(Math.floorMod(hash, lanes.size()));
        if (l.closed) {
            return false;
        }
        unfinished.increment();
        if (!l.queue.offer(task)) {
            unfinished.decrement();
            return false;
        }
        if (l.closed && l.queue.remove(task)) {
            // shut down meanwhile and not taken: the caller queues it
            unfinished.decrement();
            return false;
        }
        if (l.sleeping) {
            l.wake();
        }
        return true;
    }

    /** Stops taking tasks, lets queued ones run for up to {@code timeout}, and returns those that did not start. */
    List<T> shutdown(Duration timeout) {
        for (Lane l : lanes) {
            l.closed = true;
            l.wake();
        }
        long end = System.nanoTime() + timeout.toNanos();
        for (Lane l : lanes) {
            try {
                l.thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<T> left = new ArrayList<>();
        for (Lane l : lanes) {
            List<T> drained = new ArrayList<>();
            l.queue.drainTo(drained);
            unfinished.add(-drained.size());
            left.addAll(drained);
            l.thread.interrupt();  // a lane still busy stops after its current task
        }
        return left;
    }

    /** Tasks waiting in all lanes. */
    int backlog() {
        int n = 0;
        for (Lane l : lanes) {
            n += l.queue.size();
        }
        return n;
    }

    /** Tasks running now. */
    int active() {
        int n = 0;
        for (Lane l : lanes) {
            n += l.running ? 1 : 0;
        }
        return n;
    }

    /** Tasks accepted and not finished yet (waiting or running); 0 means every accepted mirror has run. */
    int unfinished() {
        return (int) unfinished.get();
    }

    /** Waits until every accepted task has finished, at most {@code timeout}; true when none is left. */
    boolean awaitFinished(Duration timeout) {
        return unfinished.awaitZero(timeout);
    }

    /** A mirror write, with the keys to queue if it cannot run. */
    interface MirrorTask extends Runnable {
        void giveUp(String why);

        /** True when this task may run in one unit (one transaction) with {@code first}, queued before it. */
        default boolean joins(MirrorTask first) {
            return false;
        }
    }
}
