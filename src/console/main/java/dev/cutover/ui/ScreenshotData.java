package dev.cutover.ui;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.MetricsWriter;
import dev.cutover.control.RedisLink;
import dev.cutover.pg.Db;
import dev.cutover.route.MismatchSamples;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The data the screenshot tour shows on the screens that need a past: differences planted in the
 * new database after the backfill (for Verify), and five minutes of router metrics and a few
 * mismatch samples written to Redis the way routers write them (for Shadow reads). Seeded, so
 * every tour draws the same picture; only for the sample of {@code scripts/screenshots.sh}
 * (tables {@code customers} and {@code orders}).
 */
final class ScreenshotData {
    /** Seconds of metrics written, ending now: the Shadow reads screen's whole window. */
    static final int SECONDS = 300;
    /** The order whose differing columns the Verify shot shows. */
    static final long SHOWN_ORDER = 977;

    private ScreenshotData() {
    }

    /**
     * One or more differences of each kind in the new database: orders missing (deleted), extra
     * (inserted), and different (a cent off, a changed shipping method and priority, '' where the
     * old row has NULL; the sample's priority of order 977 is 2), and a customer whose name gained a second space.
     */
    static void plantDifferences(Db newDb) throws SQLException {
        try (Connection c = newDb.connect(); Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM orders WHERE id IN (1207, 5311, 14002)");
            s.executeUpdate("INSERT INTO orders (id, customer_id, total_cents, shipping_method, priority, note, created_at) VALUES "
                    + "(900001, 7, 1999, 'ground', 1, NULL, now()), (900002, 7, 4550, 'express', 2, 'written to new only', now())");
            s.executeUpdate("UPDATE orders SET total_cents = total_cents + 1 WHERE id = 42");
            s.executeUpdate("UPDATE orders SET shipping_method = 'express', priority = 0 WHERE id = " + SHOWN_ORDER);
            s.executeUpdate("UPDATE orders SET note = '' WHERE id = 3");
            s.executeUpdate("UPDATE customers SET name = 'Customer  12' WHERE id = 12");
        }
    }

    /**
     * {@link #SECONDS} seconds of one router's metrics ending at {@code nowSecond}, through
     * {@link MetricsWriter} with its clock set to each second: three queries compared, a burst of
     * mismatches on one of them (a rounding difference, then fixed), a latency spike on the new
     * side with a few shadow errors, and mirror-write failures that fill the failed-write queue and
     * drain. Plus the mismatch samples of the burst through {@link MismatchSamples}.
     */
    static void metrics(String redisUrl, String migration, long nowSecond) {
        ControlKeys keys = new ControlKeys(migration);
        SplittableRandom rnd = new SplittableRandom(5);
        AtomicLong clock = new AtomicLong();
        try (RedisLink link = RedisLink.open(redisUrl)) {
            link.sync().del(keys.mismatchSamples());
            try (MetricsWriter w = new MetricsWriter(link, keys, Duration.ofHours(1), clock::get, false)) {
                long first = nowSecond - SECONDS + 1;
                long depth = 0;
                for (int t = 0; t < SECONDS; t++) {
                    clock.set((first + t) * 1000);
                    boolean slowNew = t >= 170 && t < 190;
                    for (int i = 0; i < 120; i++) {
                        w.read(false, latencyMicros(rnd, 3.5, 1.0), rnd.nextInt(4000) == 0);
                    }
                    for (int i = 0; i < 30; i++) {
                        w.read(true, latencyMicros(rnd, slowNew ? 9 : 2.8, slowNew ? 1.8 : 1.0), slowNew && rnd.nextInt(60) == 0);
                    }
                    compare(w, rnd, "order_detail", 12, t == 205 || t == 248 ? 1 : 0);
                    compare(w, rnd, "customer_orders", 6, t >= 60 && t < 110 && rnd.nextInt(3) == 0 ? 1 : 0);
                    compare(w, rnd, "customer_profile", 6, 0);
                    if (slowNew && rnd.nextInt(3) == 0) {
                        w.shadowError();
                    }
                    int failures = t >= 220 && t < 232 ? 3 + rnd.nextInt(4) : 0;
                    for (int i = 0; i < 40; i++) {
                        w.mirrorWrite(i < failures);
                    }
                    depth = Math.max(0, depth + failures - (t >= 232 ? 4 : 0));
                    w.queueDepth(depth);
                    w.flush(); // a second at a time: the writer keeps at most MetricsWriter.MAX_PENDING_SECONDS unsent
                }
            }
            samples(link, keys, nowSecond - SECONDS + 1);
        }
    }

    private static void compare(MetricsWriter w, SplittableRandom rnd, String query, int perSecond, int mismatches) {
        int n = perSecond + rnd.nextInt(Math.max(1, perSecond / 2)) - perSecond / 4;
        for (int i = 0; i < n; i++) {
            w.compared(query, i < mismatches);
        }
    }

    /** A latency around {@code meanMs} with a long tail (a log-normal draw), in microseconds. */
    private static long latencyMicros(SplittableRandom rnd, double meanMs, double spread) {
        double g = Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
        return Math.round(meanMs * 1000 * Math.exp(0.45 * spread * g - 0.1));
    }

    /** The samples a router would have stored in the burst: the new side a cent above the old one, and one '' for NULL. */
    private static void samples(RedisLink link, ControlKeys keys, long firstSecond) {
        long[][] orders = {{1133, 18, 289900}, {2218, 41, 11499}, {5876, 18, 3349}, {7412, 93, 1899}, {9050, 41, 100549}};
        int i = 0;
        for (long[] o : orders) {
            long at = (firstSecond + 62 + 9L * i++) * 1000 + 137;
            List<Map<String, Object>> oldRows = List.of(order(o[0] - 1, o[1], 1250, "ground"), order(o[0], o[1], o[2], "express"));
            List<Map<String, Object>> newRows = List.of(order(o[0] - 1, o[1], 1250, "ground"), order(o[0], o[1], o[2] + 1, "express"));
            MismatchSamples.push(link.sync(), keys, MismatchSamples.sampleJson(at, "customer_orders",
                    MismatchSamples.paramsHash(new Object[] {o[1]}), false, false, 3.2 + i / 10.0, 2.6 + i / 7.0, oldRows, newRows));
        }
        for (int t : new int[] {205, 248}) {
            Map<String, Object> old = order(3000 + t, 12, 4200, "ground");
            old.put("note", null);
            Map<String, Object> nw = order(3000 + t, 12, 4200, "ground");
            nw.put("note", "");
            MismatchSamples.push(link.sync(), keys, MismatchSamples.sampleJson((firstSecond + t) * 1000 + 512, "order_detail",
                    MismatchSamples.paramsHash(new Object[] {3000 + t}), false, false, 2.9, 2.1, List.of(old), List.of(nw)));
        }
    }

    private static Map<String, Object> order(long id, long customer, long cents, String shipping) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("customer_id", customer);
        m.put("total_cents", cents);
        m.put("shipping_method", shipping);
        return m;
    }
}
