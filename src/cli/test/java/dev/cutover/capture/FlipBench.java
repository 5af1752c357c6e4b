package dev.cutover.capture;

import dev.cutover.app.WriteFlip;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.sql.Direction;
import dev.cutover.testing.OrdersShapes;
import dev.cutover.testing.TestDb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code scripts/bench-flip.sh}: the write pause of {@code flip-writes} under an application writing
 * at a fixed rate, beside a baseline in the same run. The application is one JDBC writer upserting
 * orders at BENCH_RATE writes/s on the side it is pointed at; a write the block refuses (SQLSTATE
 * 25006) waits for SWITCH NOW and is retried on the other side. Each round flips to the new
 * database and back, once with {@link WriteFlip} (one stream kept open across the block) and once
 * with the baseline a DBA would script by hand from the same parts: block, then a fresh
 * {@code sync --until-caught-up} stream. Printed per method: the pause the tool measured (block to
 * SWITCH NOW) and the stall the application saw (the longest a write waited past its due time),
 * median and worst, and the ratio flip-writes/baseline of the median pause. At the end the two
 * databases are compared through the plan; exit 1 when they differ.
 */
public final class FlipBench {
    private FlipBench() {
    }

    private record Flip(String method, String to, long pauseMillis, long stallMillis) {
    }

    public static void main(String[] args) throws Exception {
        int rows = SyncBench.intEnv("BENCH_ROWS", 50_000);
        int rate = SyncBench.intEnv("BENCH_RATE", 500);
        int rounds = SyncBench.intEnv("BENCH_ROUNDS", 3);
        System.out.printf(Locale.ROOT, "machine: %d cores, %s; load average %s at the start%n", Runtime.getRuntime().availableProcessors(),
                SyncBench.cpuModel(), SyncBench.loadAverage());
        String name = "bench_flip_" + UUID.randomUUID().toString().substring(0, 8);
        Plan plan = PlanFile.parse(OrdersShapes.PLAN.formatted(name), "bench plan");
        TestDb old = TestDb.create("bench_flip_old").exec(OrdersShapes.OLD_SCHEMA).exec(SyncBench.SEED_OLD.formatted(rows));
        TestDb neu = TestDb.createNew("bench_flip_new").exec(OrdersShapes.NEW_SCHEMA).exec(SyncBench.SEED_NEW.formatted(rows));
        Db oldDb = new Db("old database", old.url());
        Db newDb = new Db("new database", neu.url());
        System.out.printf(Locale.ROOT, "%,d orders on each side (two servers); the application writes %d upserts/s; %d round(s) of"
                + " new and back per method%n", rows, rate, rounds);
        new SyncSlot(oldDb, plan).ensure(); // the new side follows from here (seeded identically)
        Writer app = new Writer(old.url(), neu.url(), rate, rows);
        List<Flip> flips = new ArrayList<>();
        int exit = 0;
        try {
            app.start();
            TimeUnit.SECONDS.sleep(3); // the application warms up and the slot has something to stream
            WriteFlip flip = new WriteFlip(oldDb, newDb, plan);
            for (int round = 1; round <= rounds; round++) {
                for (String method : List.of("flip-writes", "baseline")) {
                    for (WriteFlip.Side to : List.of(WriteFlip.Side.NEW, WriteFlip.Side.OLD)) {
                        app.resetStall();
                        long pause;
                        String parts = "";
                        if (method.equals("flip-writes")) {
                            WriteFlip.Result r = flip.flip(to, line -> { }, () -> app.switchTo(to == WriteFlip.Side.NEW));
                            pause = r.pauseMillis();
                            parts = String.format(Locale.ROOT, "  (block %d ms + catch-up %d ms, %d changes)", r.blockMillis(), r.catchUpMillis(),
                                    r.changesInPause());
                        } else {
                            pause = baseline(oldDb, newDb, plan, to, app);
                        }
                        TimeUnit.SECONDS.sleep(2); // the application catches up with its schedule; its stall is then complete
                        flips.add(new Flip(method, to.name().toLowerCase(Locale.ROOT), pause, app.stallMillis()));
                        Flip f = flips.get(flips.size() - 1);
                        System.out.printf(Locale.ROOT, "round %d  %-11s → %-3s  pause %5d ms   application stall %5d ms%s%n", round, method,
                                f.to(), f.pauseMillis(), f.stallMillis(), parts);
                    }
                }
            }
            app.stop();
            // writes are on the old side again, its forward slot made by the last flip back: the new side catches up
            new SyncEngine(oldDb, newDb, plan, SyncEngine.Options.defaults().withUntilCaughtUp(true)).run(null);
            String a = scalar(old, "SELECT count(*) || '/' || sum(round(total_amount * 100)::bigint) FROM orders");
            String b = scalar(neu, "SELECT count(*) || '/' || sum(total_cents) FROM orders");
            System.out.println();
            System.out.println("                 pause (tool)          application stall");
            System.out.println("method           median      worst     median      worst");
            for (String m : List.of("flip-writes", "baseline")) {
                long[] p = flips.stream().filter(f -> f.method().equals(m)).mapToLong(Flip::pauseMillis).sorted().toArray();
                long[] s = flips.stream().filter(f -> f.method().equals(m)).mapToLong(Flip::stallMillis).sorted().toArray();
                System.out.printf(Locale.ROOT, "%-13s %6d ms  %6d ms  %6d ms  %6d ms%n", m, median(p), p[p.length - 1], median(s), s[s.length - 1]);
            }
            double ratio = (double) median(flips.stream().filter(f -> f.method().equals("flip-writes")).mapToLong(Flip::pauseMillis).sorted().toArray())
                    / Math.max(1, median(flips.stream().filter(f -> f.method().equals("baseline")).mapToLong(Flip::pauseMillis).sorted().toArray()));
            System.out.printf(Locale.ROOT, "ratio flip-writes/baseline (median pause): %.2f×%n", ratio);
            System.out.printf(Locale.ROOT, "application: %,d writes acknowledged, %,d refused by the block and retried on the other side%n",
                    app.acknowledged, app.refused);
            boolean same = a.equals(b);
            System.out.println("check: old and new " + (same ? "agree" : "DIFFER") + " through the plan (count/sum of cents: " + a + " vs " + b + ")");
            exit = same ? 0 : 1;
        } finally {
            app.stop();
            for (Db d : List.of(oldDb, newDb)) {
                for (Direction dir : Direction.values()) {
                    try {
                        new SyncSlot(d, plan, dir).drop();
                    } catch (RuntimeException ignored) {
                        // not on this side
                    }
                }
            }
            old.close();
            neu.close();
        }
        System.exit(exit);
    }

    /** The hand-made flip: the next slot, a catch-up, the block, a fresh catch-up stream, the spent slot dropped. */
    private static long baseline(Db oldDb, Db newDb, Plan plan, WriteFlip.Side to, Writer app) throws InterruptedException {
        Direction from = to == WriteFlip.Side.NEW ? Direction.FORWARD : Direction.REVERSE;
        Direction next = to == WriteFlip.Side.NEW ? Direction.REVERSE : Direction.FORWARD;
        Db fromDb = to == WriteFlip.Side.NEW ? oldDb : newDb;
        Db toDb = to == WriteFlip.Side.NEW ? newDb : oldDb;
        new SyncSlot(toDb, plan, next).ensure();
        new SyncEngine(oldDb, newDb, plan, SyncEngine.Options.defaults().withUntilCaughtUp(true), from).run(null);
        long t0 = System.nanoTime();
        new WriteBlock(fromDb, plan, from).install(to.words(), 2000, 5);
        new SyncEngine(oldDb, newDb, plan, SyncEngine.Options.defaults().withUntilCaughtUp(true), from).run(null);
        new SyncSlot(fromDb, plan, from).dropWhenReleased(10_000);
        new WriteBlock(toDb, plan, next).remove();
        long pause = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        app.switchTo(to == WriteFlip.Side.NEW);
        return pause;
    }

    private static long median(long[] sorted) {
        return sorted[sorted.length / 2];
    }

    private static String scalar(TestDb db, String sql) throws SQLException {
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The application: one thread, one connection per side (as a pool would hold), writes due at a fixed rate. */
    private static final class Writer {
        private static final String OLD_SQL = "INSERT INTO orders (id, tenant_id, total_amount, metadata, created_at)"
                + " VALUES (?, ? % 100, ? / 100.0, '{\"shipping_method\": \"express\"}', now())"
                + " ON CONFLICT (id) DO UPDATE SET total_amount = EXCLUDED.total_amount, metadata = EXCLUDED.metadata";
        private static final String NEW_SQL = "INSERT INTO orders (id, tenant_id, total_cents, shipping_method, created_at)"
                + " VALUES (?, ? % 100, ?, 'express', date_trunc('milliseconds', now()))"
                + " ON CONFLICT (id) DO UPDATE SET total_cents = EXCLUDED.total_cents, shipping_method = EXCLUDED.shipping_method";
        private final String oldUrl;
        private final String newUrl;
        private final int rate;
        private final int rows;
        private volatile boolean toNew;
        private volatile boolean running = true;
        private volatile long stallNanos;
        private volatile Throwable failure;
        long acknowledged;
        long refused;
        private Thread thread;

        Writer(String oldUrl, String newUrl, int rate, int rows) {
            this.oldUrl = oldUrl;
            this.newUrl = newUrl;
            this.rate = rate;
            this.rows = rows;
        }

        void switchTo(boolean neu) {
            toNew = neu;
        }

        void resetStall() {
            stallNanos = 0;
        }

        long stallMillis() {
            return TimeUnit.NANOSECONDS.toMillis(stallNanos);
        }

        void start() {
            thread = new Thread(this::loop, "bench-app");
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            if (thread != null) {
                thread.join(30_000);
            }
            if (failure != null) {
                throw new IllegalStateException("the application failed: " + failure, failure);
            }
        }

        private void loop() {
            try (Connection o = DriverManager.getConnection(oldUrl); Connection n = DriverManager.getConnection(newUrl);
                 PreparedStatement po = o.prepareStatement(OLD_SQL); PreparedStatement pn = n.prepareStatement(NEW_SQL)) {
                long start = System.nanoTime();
                long period = 1_000_000_000L / rate;
                for (long i = 0; running; i++) {
                    long due = start + i * period;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long id = 1 + ThreadLocalRandom.current().nextLong(rows + rows / 10);
                    long cents = 1 + ThreadLocalRandom.current().nextLong(10_000_000);
                    while (true) {
                        boolean side = toNew;
                        PreparedStatement ps = side ? pn : po;
                        try {
                            ps.setLong(1, id);
                            ps.setLong(2, id);
                            ps.setLong(3, cents);
                            ps.executeUpdate();
                            break;
                        } catch (SQLException e) {
                            if (!"25006".equals(e.getSQLState())) {
                                throw e;
                            }
                            refused++;
                            while (running && toNew == side) {
                                LockSupport.parkNanos(200_000);
                            }
                            if (!running) {
                                return;
                            }
                        }
                    }
                    acknowledged++;
                    long late = System.nanoTime() - due;
                    if (late > stallNanos) {
                        stallNanos = late;
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }
    }

}
