package dev.cutover.control;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The second step of a write-target change (docs/router.md, "No write lost at the flip"): after
 * the new state is set, waits until every live router has acknowledged its version (heartbeat
 * {@code acked_version}: applied, and nothing made under an older version still in a lane, on its
 * way to the stream, or in a spill file) and no failed-write entry made under another write target
 * is still queued (each is replayed in its own direction). A router is live when its heartbeat is
 * younger than {@code liveWithin}; one without {@code acked_version} (an older router) never counts
 * as acknowledged. The wait changes nothing: on timeout the new state stays in force ("flip
 * pending"), and {@link #status} tells when it completes.
 */
public final class FlipWait {
    /** Five refresh intervals of a router with the default 1 s. */
    public static final Duration DEFAULT_LIVE_WITHIN = Duration.ofSeconds(5);
    /** At most this many queue entries are read to count those from another write target. */
    static final int SCAN_LIMIT = 100_000;
    private static final int PAGE = 1_000;

    private final ControlStore store;
    private final Duration liveWithin;
    private final LongSupplier clock;

    public FlipWait(ControlStore store, Duration liveWithin) {
        this(store, liveWithin, System::currentTimeMillis);
    }

    FlipWait(ControlStore store, Duration liveWithin, LongSupplier clock) {
        this.store = store;
        this.liveWithin = liveWithin;
        this.clock = clock;
    }

    /** Where the routers and the queue stand with the state {@code s} (its version and write target). */
    public FlipStatus status(ControlState s) {
        long now = clock.getAsLong();
        List<RouterHeartbeat> live = new ArrayList<>();
        List<RouterHeartbeat> behind = new ArrayList<>();
        for (RouterHeartbeat r : store.routers()) {
            if (now - r.at() > liveWithin.toMillis()) {
                continue;
            }
            live.add(r);
            if (r.ackedVersion() < s.version()) {
                behind.add(r);
            }
        }
        Map<String, Long> queued = new TreeMap<>();
        boolean cut = countOtherTarget(s.writeTarget(), queued);
        return new FlipStatus(s.version(), s.writeTarget(), live, behind, queued, cut);
    }

    /** Polls {@link #status} until complete or {@code timeout}; returns the last status. */
    public FlipStatus await(ControlState s, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            FlipStatus st = status(s);
            if (st.complete() || System.nanoTime() >= end) {
                return st;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return st;
            }
        }
    }

    /** Counts the queued entries made under another write target (or not saying); true when the scan was cut short. */
    private boolean countOtherTarget(WriteTarget current, Map<String, Long> out) {
        String key = store.keys().failedWrites();
        Range.Boundary<String> lower = Range.Boundary.unbounded();
        int read = 0;
        try {
            while (read < SCAN_LIMIT) {
                List<StreamMessage<String, String>> page = store.link().sync().xrange(key,
                        Range.from(lower, Range.Boundary.unbounded()), Limit.from(PAGE));
                for (StreamMessage<String, String> m : page) {
                    String wt = m.getBody() == null ? null : m.getBody().get(ControlKeys.FailedWrite.WRITE_TARGET);
                    String under = wt == null || wt.isEmpty() ? "unknown" : wt;
                    if (!under.equals(current.wireName())) {
                        out.merge(under, 1L, Long::sum);
                    }
                    lower = Range.Boundary.excluding(m.getId());
                }
                read += page.size();
                if (page.size() < PAGE) {
                    return false;
                }
            }
        } catch (RuntimeException e) {
            throw store.link().failure("reading the failed-write queue of " + store.migration(), e);
        }
        return true;
    }
}
