package dev.cutover.work;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Connections are a budget shared with the application: before a chunked job starts, each server's
 * limits are read (max_connections less superuser_reserved_connections and reserved_connections,
 * the login role's and the database's connection limit) with their current use
 * ({@code pg_stat_activity}), and the run gets no more workers than leave {@code reserve}
 * connections free under every one of them. What a run of N workers opens on each side is
 * {@link Need} (counted from the code, see docs/backfill.md). When the old and the new database
 * live on one server (or one database, or one login role) their needs are added up against that
 * shared limit.
 */
public final class ConnectionBudget {
    /** The reserve left to the application when none is given: this share of max_connections, and at least {@link #MIN_RESERVE}. */
    public static final double RESERVE_SHARE = 0.2;
    public static final int MIN_RESERVE = 10;

    /**
     * Connections a run of {@code n} workers holds open at once on each side: {@code fixed + perWorker × n}.
     * Short-lived connections opened before the workers start or after they end (catalog reads,
     * the final report) are not counted: they are closed by then.
     */
    public record Need(int oldFixed, int oldPerWorker, int newFixed, int newPerWorker) {
        public int old(int n) {
            return oldFixed + oldPerWorker * n;
        }

        public int neu(int n) {
            return newFixed + newPerWorker * n;
        }

        /**
         * A backfill (or a {@code worker --job backfill}): per worker one old and one new connection
         * ({@code ChunkCopier}); on the old side the latency probe when the guard is on; on the new
         * side the run lock, the progress reporter's ledger connection and, with Redis, the summary's.
         */
        public static Need backfill(JobOptions o) {
            return new Need(probe(o), 1, 2 + (o.redisUrl() != null ? 1 : 0), 1);
        }

        /**
         * A verify or repair (either direction): per worker a from-side, a to-side and a ledger
         * connection ({@code CompareSession}; the ledger is on the new database, so the new side
         * carries two per worker whichever is the from side); on the old side the latency probe; on the
         * new side the run lock, the coordinator's ledger connection and the progress reporter's.
         */
        public static Need verify(JobOptions o) {
            return new Need(probe(o), 1, 3, 2);
        }

        /** A {@code worker --job verify}: as {@link #verify} without the run lock and the coordinator's ledger connection. */
        public static Need verifyWorker(JobOptions o) {
            return new Need(probe(o), 1, 1, 2);
        }

        private static int probe(JobOptions o) {
            return o.latencyLimitMillis() > 0 ? 1 : 0;
        }
    }

    /**
     * One side's limits and their use, as read by {@link #read}. {@code roleLimit} and {@code dbLimit}
     * are −1 when unlimited; {@code used}, {@code roleUsed}, {@code dbUsed} count client backends
     * without the connection that read them. {@code server} identifies the server (start time, address
     * and port), so two sides on one server share its limit.
     */
    public record Limits(String side, String server, String database, String role, int maxConnections, int superuserReserved,
                         int reserved, int roleLimit, int dbLimit, int used, int roleUsed, int dbUsed) {
    }

    /** How many workers run, and the one line to print when that is fewer than asked (null when all fit). */
    public record Decision(int asked, int workers, String line) {
    }

    /**
     * Limits and use of the server, database and role of the connection. A role without
     * pg_read_all_stats sees other roles' sessions without their backend_type, but with their
     * database and user: those count as client backends (a few parallel workers or WAL senders of
     * other roles may be counted too, which only errs toward the application).
     */
    private static final String READ = """
            SELECT current_setting('max_connections')::int,
                   current_setting('superuser_reserved_connections')::int,
                   coalesce((SELECT setting::int FROM pg_settings WHERE name = 'reserved_connections'), 0),
                   (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),
                   (SELECT datconnlimit FROM pg_database WHERE datname = current_database()),
                   count(*),
                   count(*) FILTER (WHERE a.usename = current_user),
                   count(*) FILTER (WHERE a.datname = current_database()),
                   pg_postmaster_start_time()::text || ' ' || coalesce(host(inet_server_addr()), 'socket') || ':' || coalesce(inet_server_port(), 0),
                   current_database(), current_user
            FROM pg_stat_activity a
            WHERE a.pid <> pg_backend_pid()
              AND (a.backend_type = 'client backend' OR (a.backend_type IS NULL AND a.usesysid IS NOT NULL))""";

    private ConnectionBudget() {
    }

    /** Reads one side's limits and use over a connection of its own (closed again). */
    public static Limits read(Db db) {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(READ); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new Limits(db.role(), rs.getString(9), rs.getString(10), rs.getString(11), rs.getInt(1), rs.getInt(2), rs.getInt(3),
                    rs.getInt(4), rs.getInt(5), rs.getInt(6), rs.getInt(7), rs.getInt(8));
        } catch (SQLException e) {
            throw new DbException("cannot read the connection limits of the " + db.role() + ": " + Sql.message(e), e);
        }
    }

    /** The default reserve on a server with {@code maxConnections}: {@link #RESERVE_SHARE} of it, at least {@link #MIN_RESERVE}. */
    public static int defaultReserve(int maxConnections) {
        return Math.max(MIN_RESERVE, (int) Math.ceil(maxConnections * RESERVE_SHARE));
    }

    /** One limit connections are counted against, with the sides that share it. */
    private static final class Pool {
        final String what;
        final int free;
        final int reserve;
        boolean old;
        boolean neu;

        Pool(String what, int free, int reserve) {
            this.what = what;
            this.free = free;
            this.reserve = reserve;
        }

        int need(Need n, int workers) {
            return (old ? n.old(workers) : 0) + (neu ? n.neu(workers) : 0);
        }

        boolean fits(Need n, int workers) {
            return need(n, workers) <= free - reserve;
        }
    }

    /**
     * The most workers, up to {@code asked}, whose {@code need} leaves {@code reserve} connections
     * free under every limit of both sides ({@code reserve} &lt; 0: {@link #defaultReserve} of each
     * server). When not even one fits, a {@link DbException} with one line saying which limit.
     * {@code job} names the run in the line ("backfill", "verify", "repair").
     */
    public static Decision decide(String job, int asked, Need need, Limits old, Limits neu, int reserve) {
        Map<String, Pool> pools = new LinkedHashMap<>();
        for (Limits l : new Limits[] {old, neu}) {
            boolean isOld = l == old;
            int r = reserve >= 0 ? reserve : defaultReserve(l.maxConnections());
            int slots = l.maxConnections() - l.superuserReserved() - l.reserved();
            add(pools, "server " + l.server(), String.format(Locale.ROOT,
                    "max_connections %d (%d reserved for superusers%s), %d in use on the server",
                    l.maxConnections(), l.superuserReserved(), l.reserved() > 0 ? ", " + l.reserved() + " reserved_connections" : "",
                    l.used()), slots - l.used(), r, isOld);
            if (l.dbLimit() >= 0) {
                add(pools, "database " + l.server() + "/" + l.database(), String.format(Locale.ROOT,
                        "connection limit %d of database %s, %d in use", l.dbLimit(), l.database(), l.dbUsed()),
                        l.dbLimit() - l.dbUsed(), r, isOld);
            }
            if (l.roleLimit() >= 0) {
                add(pools, "role " + l.server() + "/" + l.role(), String.format(Locale.ROOT,
                        "connection limit %d of role %s, %d in use", l.roleLimit(), l.role(), l.roleUsed()),
                        l.roleLimit() - l.roleUsed(), r, isOld);
            }
        }
        List<Pool> all = new ArrayList<>(pools.values());
        int n = asked;
        Pool binding = null;
        while (n >= 1) {
            binding = null;
            for (Pool p : all) {
                if (!p.fits(need, n)) {
                    binding = p;
                    break;
                }
            }
            if (binding == null) {
                break;
            }
            n--;
        }
        if (n == asked) {
            return new Decision(asked, asked, null);
        }
        Pool limit = binding != null ? binding : tightest(all, need, n + 1);
        String sides = limit.old && limit.neu ? "both databases" : "the " + (limit.old ? old.side() : neu.side());
        if (n < 1) {
            throw new DbException(String.format(Locale.ROOT,
                    "%s refused: not even 1 worker fits the connections of %s (%s) while keeping %d free for the application "
                            + "(1 worker needs %d); lower --reserve-connections or free connections", job, sides, limit.what,
                    limit.reserve, limit.need(need, 1)));
        }
        return new Decision(asked, n, String.format(Locale.ROOT,
                "%s: %d workers asked, %d fit the connections of %s (%s; %d kept free for the application, %d workers need %d)",
                job, asked, n, sides, limit.what, limit.reserve, n, limit.need(need, n)));
    }

    /** The limit that stops {@code workers} from fitting. */
    private static Pool tightest(List<Pool> all, Need need, int workers) {
        return all.stream().filter(p -> !p.fits(need, workers)).findFirst().orElse(all.get(0));
    }

    private static void add(Map<String, Pool> pools, String key, String what, int free, int reserve, boolean old) {
        Pool p = pools.computeIfAbsent(key, k -> new Pool(what, free, reserve));
        if (old) {
            p.old = true;
        } else {
            p.neu = true;
        }
    }

    /** Reads both sides' limits and decides ({@link #decide}). */
    public static Decision decide(String job, int asked, Need need, Db oldDb, Db newDb, int reserve) {
        return decide(job, asked, need, read(oldDb), read(newDb), reserve);
    }
}
