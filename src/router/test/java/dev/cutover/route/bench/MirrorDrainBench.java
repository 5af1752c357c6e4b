package dev.cutover.route.bench;

import dev.cutover.control.Phase;
import dev.cutover.route.Router;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How fast the router's mirror lanes work off a backlog: {@code WRITES} dual writes (updates of
 * random orders) are made while the new database's table is locked, so their mirrors queue up in
 * the lanes; then the lock goes and the time until every mirror has run is taken. Once with the
 * lanes running what has queued up in transactions of up to 64 writes (the default), once with a
 * transaction per write ({@code mirrorBatch(1)}), alternating {@code REPEAT} times, best of each.
 * A backlog is what a saturated or paused new database leaves: the lanes fall behind, and when
 * they are full further mirrors are queued for replay instead. Prints one line, the ratio last.
 */
public final class MirrorDrainBench {
    private static final int WRITES = Integer.getInteger("drain.writes", 20_000);
    private static final int REPEAT = Integer.getInteger("drain.repeat", 3);

    private MirrorDrainBench() {
    }

    public static void main(String[] args) throws Exception {
        double batched = Double.MAX_VALUE;
        double single = Double.MAX_VALUE;
        try (BenchSetup setup = new BenchSetup("drain")) {
            for (int i = 0; i < REPEAT; i++) {
                batched = Math.min(batched, drain(setup, 64));
                single = Math.min(single, drain(setup, 1));
            }
        }
        System.out.printf(Locale.ROOT, "mirror backlog:    %,d dual writes queued behind a lock drained in %.2f s in "
                + "transactions of up to 64 vs %.2f s one transaction each -> %.1fx faster (best of %d)%n",
                WRITES, batched, single, single / batched, REPEAT);
    }

    /** Seconds from the lock's release until every mirror of the backlog has run. */
    private static double drain(BenchSetup setup, int batch) throws Exception {
        Router router = setup.router(Phase.DUAL_WRITE, 0, b -> b.mirrorBatch(batch));
        try {
            long released;
            try (Connection lock = setup.newDb.connect(); Statement s = lock.createStatement()) {
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE orders IN EXCLUSIVE MODE");
                List<Thread> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    Thread w = new Thread(() -> write(router, WRITES / 4));
                    writers.add(w);
                    w.start();
                }
                for (Thread w : writers) {
                    w.join();
                }
                lock.commit();
                released = System.nanoTime();
            }
            if (!router.awaitQuiet(Duration.ofMinutes(5))) {
                throw new IllegalStateException("the mirror backlog did not drain in 5 minutes");
            }
            double took = (System.nanoTime() - released) / 1e9;
            Router.Stats st = router.stats();
            if (st.mirrorFailures() > 0) {
                throw new IllegalStateException(st.mirrorFailures() + " mirror writes failed; the figure would not be comparable");
            }
            return took;
        } finally {
            router.close();
            setup.router = null;
        }
    }

    private static void write(Router router, int n) {
        ThreadLocalRandom rng = ThreadLocalRandom.current();
        try {
            for (int i = 0; i < n; i++) {
                long id = 1 + rng.nextInt(2000);
                router.write(BenchSetup.UPDATE, id % BenchSetup.TENANTS, new BigDecimal(rng.nextInt(100_000) + ".25"), "air", id);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
