package dev.cutover.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What the load generator knows of the data, so its requests hit real rows: every user with its
 * tenant and a sample of orders with theirs, read once from the old database at start, plus the
 * rows its own acknowledged writes created.
 */
public final class Directory {
    private final Pairs users = new Pairs();
    private final Pairs orders = new Pairs();
    private volatile int tenants;

    /** Reads users and (up to {@code maxOrders}, spread over the key range) orders with their tenants. */
    public static Directory load(Connection c, int maxOrders) throws SQLException {
        Directory d = new Directory();
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.setFetchSize(10_000);
            try (var rs = s.executeQuery("SELECT id, company_id FROM users ORDER BY id")) {
                while (rs.next()) {
                    d.users.add(rs.getLong(1), rs.getInt(2));
                }
            }
            long count;
            try (var rs = s.executeQuery("SELECT count(*) FROM orders")) {
                rs.next();
                count = rs.getLong(1);
            }
            long step = Math.max(1, count / Math.max(1, maxOrders));
            try (var rs = s.executeQuery("SELECT o.id, u.company_id FROM orders o JOIN users u ON u.id = o.user_id"
                    + (step > 1 ? " WHERE o.id % " + step + " = 0" : ""))) {
                while (rs.next()) {
                    d.orders.add(rs.getLong(1), rs.getInt(2));
                }
            }
            try (var rs = s.executeQuery("SELECT count(DISTINCT company_id) FROM users")) {
                rs.next();
                d.tenants = rs.getInt(1);
            }
        } finally {
            c.commit();
            c.setAutoCommit(auto);
        }
        if (d.users.size() == 0) {
            throw new IllegalStateException("the old database has no users: load the sample data first (cutover demo-data)");
        }
        return d;
    }

    public void addUser(long id, int tenant) {
        users.add(id, tenant);
    }

    public void addOrder(long id, int tenant) {
        orders.add(id, tenant);
    }

    /** A random user: {id, tenant}. */
    public long[] randomUser() {
        return users.random();
    }

    /** A random order: {id, tenant}; null when there is none. */
    public long[] randomOrder() {
        return orders.size() == 0 ? null : orders.random();
    }

    /** A random tenant that has users (tenants are numbered 1..n by the generator). */
    public int randomTenant() {
        return (int) users.random()[1];
    }

    public int users() {
        return users.size();
    }

    public int orders() {
        return orders.size();
    }

    public int tenants() {
        return tenants;
    }

    /** Append-only (id, tenant) pairs, read at random without locking. */
    private static final class Pairs {
        private volatile long[] ids = new long[1024];
        private volatile int[] tenantOf = new int[1024];
        private volatile int size;

        synchronized void add(long id, int tenant) {
            if (size == ids.length) {
                int[] t = Arrays.copyOf(tenantOf, size * 2);
                long[] i = Arrays.copyOf(ids, size * 2);
                tenantOf = t;
                ids = i;
            }
            ids[size] = id;
            tenantOf[size] = tenant;
            size = size + 1;
        }

        int size() {
            return size;
        }

        long[] random() {
            long[] i;
            int[] t;
            int n;
            synchronized (this) {
                i = ids;
                t = tenantOf;
                n = size;
            }
            int k = ThreadLocalRandom.current().nextInt(n);
            return new long[] {i[k], t[k]};
        }
    }
}
