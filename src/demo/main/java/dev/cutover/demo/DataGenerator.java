package dev.cutover.demo;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.LongConsumer;

/**
 * Generates the sample's legacy data and streams it into the old database with text COPY
 * (pgjdbc's CopyManager), so a million orders load in seconds. Deterministic: the same options
 * give the same rows, byte for byte. Ordinary rows are mixed with a known number of rows of each
 * {@link EdgeCase}, placed at random (seeded) positions; the returned {@link GeneratedData} says
 * which ids they are.
 */
public final class DataGenerator {
    /** Users created from here on, orders up to {@link #END}: four years of history. */
    static final Instant START = Instant.parse("2022-11-01T00:00:00Z");
    static final Instant END = Instant.parse("2026-11-01T00:00:00Z");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSx").withZone(ZoneOffset.UTC);
    private static final List<String> SHIPPING = List.of("standard", "standard", "standard", "express", "overnight", "pickup");
    private static final List<String> FLOAT_ARTEFACTS = List.of("0.29", "1.15", "4.35", "19.99", "8.2", "0.57", "1.13", "9.95");
    private static final List<String> SUB_CENTS = List.of("1.005", "0.125", "2.675", "10.555", "0.015", "99.995", "3.3333333333333335");
    private static final List<String> PRIORITY_WORDS = List.of("high", "high", "high", "low", "urgent");

    /** Size and seed; {@code orders} ≥ 1, {@code tenants} ≥ 1. Users: one per five orders, at least one per tenant. */
    public record Options(long orders, int tenants, long seed) {
        public static final long DEFAULT_ORDERS = 1_000_000;
        public static final int DEFAULT_TENANTS = 500;
        public static final long DEFAULT_SEED = 42;

        public Options {
            if (orders < 1) {
                throw new IllegalArgumentException("--orders must be at least 1 (got " + orders + ")");
            }
            if (tenants < 1) {
                throw new IllegalArgumentException("--tenants must be at least 1 (got " + tenants + ")");
            }
        }

        public long users() {
            return Math.max(tenants, orders / 5);
        }
    }

    private final Options options;

    public DataGenerator(Options options) {
        this.options = options;
    }

    /**
     * Creates the old schema in an empty database and loads the data. Refuses (changing nothing)
     * when the database already has a {@code users} or {@code orders} table.
     */
    public GeneratedData load(Connection c, String oldSchemaSql, LongConsumer rowsLoaded) {
        try {
            refuseIfNotEmpty(c);
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute(oldSchemaSql);
            }
            GeneratedData data = generate(c, rowsLoaded);
            c.commit();
            c.setAutoCommit(auto);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE users; ANALYZE orders");
            }
            return data;
        } catch (SQLException e) {
            throw new DbException("loading the sample data into the old database failed: " + Sql.message(e), e);
        } catch (IOException e) {
            throw new DbException("loading the sample data into the old database failed: " + e.getMessage(), e);
        }
    }

    private static void refuseIfNotEmpty(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT string_agg(relname, ', ' ORDER BY relname) FROM pg_class "
                     + "WHERE relnamespace = 'public'::regnamespace AND relname IN ('users', 'orders') AND relkind IN ('r', 'p', 'v')")) {
            rs.next();
            String found = rs.getString(1);
            if (found != null) {
                throw new DbException("the old database already has table(s) " + found + " in schema public; "
                        + "the sample data goes into an empty database");
            }
        }
    }

    private GeneratedData generate(Connection c, LongConsumer rowsLoaded) throws SQLException, IOException {
        SplittableRandom rng = new SplittableRandom(options.seed());
        long users = options.users();
        long orders = options.orders();
        Map<EdgeCase, TreeSet<Long>> ids = new EnumMap<>(EdgeCase.class);
        Map<Long, EdgeCase> userEdges = place(rng, users, ids, Map.of(
                EdgeCase.SINGLE_NAME, Math.max(3, users / 200),
                EdgeCase.MULTI_WORD_NAME, Math.max(3, users / 100),
                EdgeCase.UNICODE_NAME, Math.max(3, users / 50),
                EdgeCase.PUNCTUATED_NAME, Math.max(3, users / 200),
                EdgeCase.IRREGULAR_SPACING_NAME, Math.max(4, users / 1000)));
        Map<Long, EdgeCase> amountEdges = place(rng, orders, ids, Map.of(
                EdgeCase.FLOAT_ARTEFACT_AMOUNT, Math.max(3, orders / 1000),
                EdgeCase.SUB_CENT_AMOUNT, Math.max(5, Math.round(orders * 340.0 / 1_000_000)),
                EdgeCase.FLOAT_SUM_AMOUNT, Math.max(3, orders / 10_000)));
        Map<Long, EdgeCase> priorityEdges = place(rng, orders, ids, Map.of(
                EdgeCase.PRIORITY_WORD, Math.max(5, orders / 1000)));
        ids.put(EdgeCase.NO_SHIPPING_METHOD, new TreeSet<>());
        ids.put(EdgeCase.NO_PRIORITY, new TreeSet<>());

        long span = END.getEpochSecond() - START.getEpochSecond();
        long[] userCreated = new long[(int) users + 1];
        int[] userTenant = new int[(int) users + 1];
        PGConnection pg = c.unwrap(PGConnection.class);
        long loaded = 0;
        try (Writer w = copy(pg, "COPY users (id, name, email, company_id, created_at) FROM STDIN")) {
            StringBuilder line = new StringBuilder(160);
            for (long id = 1; id <= users; id++) {
                // every tenant gets a user; after that, small tenant numbers are the big customers (skew)
                int tenant = id <= options.tenants() ? (int) id : 1 + (int) (options.tenants() * Math.pow(rng.nextDouble(), 1.6));
                long created = START.getEpochSecond() + (long) (rng.nextDouble() * span * 0.9);
                userCreated[(int) id] = created;
                userTenant[(int) id] = tenant;
                String first = SampleNames.pick(SampleNames.FIRST, rng);
                String last = SampleNames.pick(SampleNames.LAST, rng);
                EdgeCase edge = userEdges.get(id);
                String name = edge == null ? first + " " + last : switch (edge) {
                    case SINGLE_NAME -> SampleNames.pick(SampleNames.SINGLE, rng);
                    case MULTI_WORD_NAME -> SampleNames.pick(SampleNames.MULTI_WORD, rng);
                    case UNICODE_NAME -> SampleNames.pick(SampleNames.UNICODE, rng);
                    case PUNCTUATED_NAME -> SampleNames.pick(SampleNames.PUNCTUATED, rng);
                    case IRREGULAR_SPACING_NAME -> SampleNames.pick(SampleNames.IRREGULAR_SPACING, rng);
                    default -> throw new IllegalStateException(edge.name());
                };
                String email = (first + "." + last + "." + id).toLowerCase(java.util.Locale.ROOT) + "@tenant" + tenant + ".example.com";
                line.setLength(0);
                line.append(id).append('\t');
                escape(name, line);
                line.append('\t');
                escape(email, line);
                line.append('\t').append(tenant).append('\t').append(TS.format(Instant.ofEpochSecond(created, rng.nextInt(1_000_000) * 1000L)))
                        .append('\n');
                w.append(line);
                if (++loaded % 50_000 == 0) {
                    rowsLoaded.accept(loaded);
                }
            }
        }
        Map<Integer, Long> ordersPerTenant = new HashMap<>();
        try (Writer w = copy(pg, "COPY orders (id, user_id, metadata, total_amount, created_at) FROM STDIN")) {
            StringBuilder line = new StringBuilder(200);
            for (long id = 1; id <= orders; id++) {
                int user = 1 + rng.nextInt((int) users);
                ordersPerTenant.merge(userTenant[user], 1L, Long::sum);
                long created = userCreated[user] + (long) (rng.nextDouble() * (END.getEpochSecond() - userCreated[user]));
                line.setLength(0);
                line.append(id).append('\t').append(user).append('\t');
                line.append('{');
                boolean shipped = rng.nextInt(10) != 0;
                if (shipped) {
                    line.append("\"shipping_method\": \"").append(SampleNames.pick(SHIPPING, rng)).append('"');
                } else {
                    ids.get(EdgeCase.NO_SHIPPING_METHOD).add(id);
                }
                String priority;
                if (priorityEdges.get(id) != null) {
                    priority = '"' + SampleNames.pick(PRIORITY_WORDS, rng) + '"';
                } else if (rng.nextInt(20) == 0) {
                    priority = null;
                    ids.get(EdgeCase.NO_PRIORITY).add(id);
                } else {
                    int p = rng.nextInt(10);
                    priority = String.valueOf(p < 2 ? 0 : p < 7 ? 1 : p < 9 ? 2 : 3);
                }
                if (priority != null) {
                    line.append(shipped ? ", " : "").append("\"priority\": ").append(priority);
                }
                line.append('}').append('\t').append(amount(amountEdges.get(id), rng)).append('\t')
                        .append(TS.format(Instant.ofEpochSecond(created, rng.nextInt(1_000_000) * 1000L))).append('\n');
                w.append(line);
                if (++loaded % 50_000 == 0) {
                    rowsLoaded.accept(loaded);
                }
            }
        }
        rowsLoaded.accept(loaded);
        Map<EdgeCase, List<Long>> out = new EnumMap<>(EdgeCase.class);
        ids.forEach((k, v) -> out.put(k, List.copyOf(v)));
        return new GeneratedData(users, orders, options.tenants(), out, ordersPerTenant);
    }

    /** An amount in dollars, as the legacy application stored it (text parsed by PostgreSQL into a double). */
    private static String amount(EdgeCase edge, SplittableRandom rng) {
        if (edge == null) {
            long cents = rng.nextInt(50) == 0 ? 1 + rng.nextInt(999) : Math.max(1, Math.round(Math.exp(8 + 1.2 * nextGaussian(rng))));
            return cents / 100 + "." + String.format("%02d", cents % 100);
        }
        return switch (edge) {
            case FLOAT_ARTEFACT_AMOUNT -> SampleNames.pick(FLOAT_ARTEFACTS, rng);
            case SUB_CENT_AMOUNT -> rng.nextBoolean() ? SampleNames.pick(SUB_CENTS, rng)
                    : (1 + rng.nextInt(500)) + "." + String.format("%02d", rng.nextInt(100)) + (1 + rng.nextInt(9));
            case FLOAT_SUM_AMOUNT -> floatSum(rng);
            default -> throw new IllegalStateException(edge.name());
        };
    }

    /** The sum of two prices as the legacy application added them, in doubles: 0.1 + 0.2 = 0.30000000000000004. */
    private static String floatSum(SplittableRandom rng) {
        while (true) {
            double s = (1 + rng.nextInt(2000)) / 100.0 + (1 + rng.nextInt(2000)) / 100.0;
            String t = Double.toString(s);
            if (t.length() - t.indexOf('.') - 1 > 2 && !t.contains("E")) {
                return t;
            }
        }
    }

    private static double nextGaussian(SplittableRandom rng) {
        // Box–Muller: SplittableRandom has no nextGaussian on Java 17
        double u = 1.0 - rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
    }

    /** Chooses {@code count} distinct positions in 1..n for each edge case (in a fixed order, so the result is deterministic). */
    private static Map<Long, EdgeCase> place(SplittableRandom rng, long n, Map<EdgeCase, TreeSet<Long>> ids, Map<EdgeCase, Long> counts) {
        Map<Long, EdgeCase> at = new HashMap<>();
        for (EdgeCase e : EdgeCase.values()) {
            Long want = counts.get(e);
            if (want == null) {
                continue;
            }
            TreeSet<Long> chosen = new TreeSet<>();
            long target = Math.min(want, n - at.size());
            while (chosen.size() < target) {
                long pos = 1 + rng.nextLong(n);
                if (!at.containsKey(pos)) {
                    at.put(pos, e);
                    chosen.add(pos);
                }
            }
            ids.put(e, chosen);
        }
        return at;
    }

    private static Writer copy(PGConnection pg, String sql) throws SQLException {
        return new BufferedWriter(new OutputStreamWriter(new PGCopyOutputStream(pg, sql, 1 << 16), StandardCharsets.UTF_8), 1 << 16);
    }

    /** COPY text format: backslash, tab, newline and carriage return are escaped. */
    static void escape(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(ch);
            }
        }
    }
}
