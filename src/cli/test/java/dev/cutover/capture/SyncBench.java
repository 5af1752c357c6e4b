package dev.cutover.capture;

import dev.cutover.testing.CliProcess;
import dev.cutover.testing.OrdersShapes;
import dev.cutover.testing.TestDb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Figures for docs/bench-sync.md (run by scripts/bench-sync.sh, not a test): how fast a change
 * stream Cutover's sync keeps up with, against PostgreSQL's own logical replication, in one run on
 * one machine.
 *
 * <p>One old database (an orders table, 100,000 rows) on the tests' old-side server; on the
 * new-side server two targets, seeded with the same rows: {@code new} in the new shape (dollars to
 * cents, a jsonb field to a column), fed by {@code cutover sync} in a child JVM through a plan, and
 * {@code copy} in the old shape, fed by a native subscription ({@code CREATE PUBLICATION} + {@code
 * CREATE SUBSCRIPTION}). pgbench writes to the old database at fixed rates (upserts 9 of 10, deletes
 * 1 of 10, each one statement changing one row, with {@code synchronous_commit=on} as a production
 * database has it), in steps; every 25 ms a sampler reads the old server's WAL position and both
 * slots' {@code confirmed_flush_lsn}. A consumer's lag at a sample is the time until its confirmed
 * position passed the WAL position of that sample (an upper bound, by up to the 25 ms sampling). A step passes
 * for a consumer when the p99 of its lags is under 1 s. Both consumers run through every step
 * (same machine, same load); between steps both catch up.
 */
public final class SyncBench {
    /** The router tests' orders pair (its reverse is not used here: sync runs forward). */
    private static final String OLD_SHAPE = OrdersShapes.OLD_SCHEMA;
    private static final String NEW_SHAPE = OrdersShapes.NEW_SCHEMA;
    private static final String PLAN = OrdersShapes.PLAN;
    static final String SEED_OLD = """
            INSERT INTO orders SELECT i, i %% 100, (i %% 100000) / 100.0,
                   jsonb_build_object('shipping_method', CASE WHEN i %% 2 = 0 THEN 'ground' ELSE 'air' END),
                   '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 minute'
              FROM generate_series(1, %d) i""";
    static final String SEED_NEW = """
            INSERT INTO orders SELECT i, i %% 100, round((i %% 100000) / 100.0 * 100)::bigint,
                   CASE WHEN i %% 2 = 0 THEN 'ground' ELSE 'air' END,
                   '2024-01-01T00:00:00Z'::timestamptz + i * interval '1 minute'
              FROM generate_series(1, %d) i""";
    private static final String UPSERT = """
            \\set id random(1, %d)
            \\set cents random(1, 10000000)
            INSERT INTO orders (id, tenant_id, total_amount, metadata, created_at)
              VALUES (:id, :id %% 100, :cents / 100.0, '{"shipping_method": "express"}', now())
              ON CONFLICT (id) DO UPDATE SET total_amount = EXCLUDED.total_amount, metadata = EXCLUDED.metadata;
            """;
    private static final String DELETE = """
            \\set id random(1, %d)
            DELETE FROM orders WHERE id = (SELECT id FROM orders WHERE id >= :id ORDER BY id LIMIT 1);
            """;
    private static final double LAG_LIMIT = 1.0;
    private static final long SAMPLE_MILLIS = 25;

    private SyncBench() {
    }

    /** One sampler reading: when, the old server's WAL insert position, each slot's confirmed position (-1: none). */
    private record Sample(long nanos, long wal, long cutover, long nativ) {
    }

    /** What one consumer did in one step. */
    private record Lags(int samples, double p50, double p99, double max, int unresolved) {
        boolean passed() {
            return unresolved == 0 && p99 < LAG_LIMIT;
        }

        String text() {
            if (samples == 0) {
                return "no samples";
            }
            String p99s = Double.isInfinite(p99) ? "> " + secs(max) : secs(p99);
            return String.format(Locale.ROOT, "p50 %s  p99 %s  max %s%s", secs(p50), p99s, unresolved > 0 ? "> " + secs(max) : secs(max),
                    passed() ? "" : "  ✗");
        }
    }

    /** One step of the load. */
    private record Step(int rate, double changesPerSecond, double pgbenchTps, Lags cutover, Lags nativ, boolean drained) {
    }

    private static final List<Sample> SAMPLES = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        int rows = intEnv("BENCH_ROWS", 100_000);
        int stepSeconds = intEnv("BENCH_STEP_SECONDS", 15);
        int sampleRate = intEnv("BENCH_SAMPLE_RATE", 200);
        int clients = intEnv("BENCH_CLIENTS", 32);
        int drainSeconds = intEnv("BENCH_DRAIN_SECONDS", 60);
        int backlogChanges = intEnv("BENCH_BACKLOG_CHANGES", 60_000);
        int[] rates = Arrays.stream(env("BENCH_RATES", "250,500,1000,1500,2000,3000,4000,6000,8000").split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        String pgbench = Files.isExecutable(Path.of("/usr/bin/pgbench")) ? "/usr/bin/pgbench" : "/usr/lib/postgresql/15/bin/pgbench";

        System.out.printf(Locale.ROOT, "machine: %d cores, %s; load average %s at the start%n", Runtime.getRuntime().availableProcessors(),
                cpuModel(), loadAverage());
        Path work = Path.of("target", "bench-sync");
        Files.createDirectories(work);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String planName = "bench_sync_" + suffix;
        String nativeName = "bench_native_" + suffix;
        Path planFile = Files.writeString(work.resolve("plan.json"), PLAN.formatted(planName));
        Path upsertFile = Files.writeString(work.resolve("upsert.sql"), UPSERT.formatted(rows + rows / 10));
        Path deleteFile = Files.writeString(work.resolve("delete.sql"), DELETE.formatted(rows));
        Path syncLog = work.resolve("sync.log");
        Path pgbenchLog = work.resolve("pgbench.log");
        String cutoverSlot = SyncSlot.nameFor(planName);

        TestDb old = TestDb.create("bench_sync_old").exec(OLD_SHAPE).exec(SEED_OLD.formatted(rows)).exec("VACUUM ANALYZE orders");
        TestDb neu = TestDb.createNew("bench_sync_new").exec(NEW_SHAPE).exec(SEED_NEW.formatted(rows)).exec("VACUUM ANALYZE orders");
        TestDb copy = TestDb.createNew("bench_sync_copy").exec(OLD_SHAPE).exec(SEED_OLD.formatted(rows)).exec("VACUUM ANALYZE orders");
        System.out.println("PostgreSQL " + scalar(old, "SHOW server_version") + "; old database and both targets seeded with "
                + String.format(Locale.ROOT, "%,d", rows) + " orders; targets on a second server (as in production)");
        Process sync = null;
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        int exit = 0;
        try {
            // native: publication and slot first (a subscription that makes its own slot hangs when both are in one cluster)
            old.exec("CREATE PUBLICATION " + nativeName + " FOR TABLE orders");
            old.exec("SELECT pg_create_logical_replication_slot('" + nativeName + "', 'pgoutput')");
            // a witness: nobody reads it during the run; when a target differs, its history of the differing keys is printed
            old.exec("SELECT pg_create_logical_replication_slot('" + nativeName + "_witness', 'test_decoding')");
            if (ownServers()) {
                // the subscriber reports its position at least once a second (the default 10 s only matters when idle)
                try (Connection c = DriverManager.getConnection(TestDb.adminUrl(TestDb.Server.NEW)); Statement s = c.createStatement()) {
                    s.execute("ALTER SYSTEM SET wal_receiver_status_interval = '1s'");
                    s.execute("SELECT pg_reload_conf()");
                }
            }
            // synchronous_commit on: the subscriber confirms a change once its apply committed, as Cutover's sync does
            // (with the default off it would confirm only after the new server's WAL writer flushed, up to 200 ms later)
            copy.exec("CREATE SUBSCRIPTION " + nativeName + " CONNECTION 'host=" + old.host() + " port=" + old.port() + " dbname=" + old.name()
                    + " user=" + old.user() + (old.password() == null ? "" : " password=" + old.password()) + "' PUBLICATION " + nativeName
                    + " WITH (create_slot = false, slot_name = '" + nativeName + "', copy_data = false, synchronous_commit = 'on')");

            List<String> cmd = new ArrayList<>(CliProcess.java());
            // e.g. BENCH_SYNC_JAVA_OPTS='-XX:StartFlightRecording=filename=target/bench-sync/sync.jfr,settings=profile' to profile it
            cmd.addAll(Arrays.stream(env("BENCH_SYNC_JAVA_OPTS", "").trim().split("\\s+")).filter(o -> !o.isEmpty()).toList());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.cutover.Main", "sync", "--plan", planFile.toString(),
                    "--old", old.url(), "--new", neu.url()));
            sync = CliProcess.isolated(new ProcessBuilder(cmd)).redirectErrorStream(true).redirectOutput(syncLog.toFile()).start();

            Connection probe = old.connect();
            PreparedStatement read = probe.prepareStatement("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint,"
                    + " (SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?),"
                    + " (SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?),"
                    + " (SELECT count(*) FROM pg_replication_slots WHERE slot_name IN (?, ?) AND active)");
            read.setString(1, cutoverSlot);
            read.setString(2, nativeName);
            read.setString(3, cutoverSlot);
            read.setString(4, nativeName);
            java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
            sampler.scheduleAtFixedRate(() -> {
                try (ResultSet rs = read.executeQuery()) {
                    rs.next();
                    long c = rs.getLong(2);
                    c = rs.wasNull() ? -1 : c;
                    long n = rs.getLong(3);
                    n = rs.wasNull() ? -1 : n;
                    active.set(rs.getInt(4));
                    synchronized (SAMPLES) {
                        SAMPLES.add(new Sample(System.nanoTime(), rs.getLong(1), c, n));
                    }
                } catch (SQLException e) {
                    System.err.println("sampler: " + e.getMessage());
                }
            }, 0, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (active.get() < 2) {
                if (!sync.isAlive() || System.nanoTime() > until) {
                    throw new IllegalStateException("cutover sync or the subscription did not start streaming; see " + syncLog + ":\n"
                            + Files.readString(syncLog));
                }
                Thread.sleep(100);
            }

            PgBench load = new PgBench(pgbench, old, clients, upsertFile, deleteFile, pgbenchLog);
            System.out.println("warming up: 10 s at 500 changes/s (not measured)");
            load.run(500, 10);
            drain(drainSeconds);

            System.out.printf(Locale.ROOT, "%nsteps of %d s, %d pgbench clients; lag = time until a consumer confirmed the WAL position of a"
                    + " sample (sampled every %d ms)%n", stepSeconds, clients, SAMPLE_MILLIS);
            System.out.printf(Locale.ROOT, "%-22s %-14s %-44s %s%n", "rate (changes/s)", "reached /s", "Cutover sync lag", "native subscription lag");
            Cpu cpuBefore = Cpu.read(old, neu, copy, nativeName, sync.pid());
            long changesBefore = changes(old);
            Step sample = step(load, sampleRate, stepSeconds, drainSeconds, old);
            print("sample " + sampleRate, sample);
            List<Step> steps = new ArrayList<>();
            boolean cutoverFailed = false;
            boolean nativeFailed = false;
            String stopReason = "the list of rates ended";
            for (int rate : rates) {
                Step s = step(load, rate, stepSeconds, drainSeconds, old);
                print(Integer.toString(rate), s);
                steps.add(s);
                cutoverFailed |= !s.cutover().passed();
                nativeFailed |= !s.nativ().passed();
                if (s.changesPerSecond() < 0.9 * rate) {
                    // the step still counts, at the rate pgbench reached
                    stopReason = String.format(Locale.ROOT, "the load's limit on this machine: pgbench reached %,.0f of %,d changes/s",
                            s.changesPerSecond(), rate);
                    break;
                }
                if (cutoverFailed && nativeFailed) {
                    stopReason = "both consumers over 1 s";
                    break;
                }
                if (!s.drained()) {
                    stopReason = "a consumer did not catch up within " + drainSeconds + " s after the step";
                    break;
                }
            }
            Cpu cpuAfter = Cpu.read(old, neu, copy, nativeName, sync.pid());
            long measured = changes(old) - changesBefore;
            List<Backlog> backlogs = new ArrayList<>();
            for (int round = 0; backlogChanges > 0 && round < intEnv("BENCH_BACKLOG_ROUNDS", 2); round++) {
                backlogs.add(backlog(load, old, neu, copy, nativeName, cutoverSlot, sync.pid(), backlogChanges, drainSeconds * 5));
            }
            sync.destroy(); // SIGTERM: sync applies and confirms what it holds, then exits
            sync.waitFor(30, TimeUnit.SECONDS);
            exit = check(old, neu, copy, nativeName + "_witness") ? 0 : 1;

            double cutoverBest = best(steps, true);
            double nativeBest = best(steps, false);
            System.out.printf(Locale.ROOT, "%nladder stopped: %s; load average %s at the end%n", stopReason, loadAverage());
            System.out.println(cpuAfter.per1000(cpuBefore, measured));
            System.out.printf(Locale.ROOT, "at the sample write rate (%d changes/s): lag p99 Cutover %s, native %s%n", sampleRate,
                    secs(sample.cutover().p99()), secs(sample.nativ().p99()));
            System.out.printf(Locale.ROOT, "highest rate with lag p99 < 1 s: Cutover %s changes/s, native %s changes/s%n",
                    bound(cutoverBest, cutoverFailed), bound(nativeBest, nativeFailed));
            if (cutoverBest > 0 && nativeBest > 0) {
                double ratio = cutoverBest / nativeBest;
                String qualifier = cutoverFailed == nativeFailed ? "" : cutoverFailed ? "≤ " : "≥ ";
                System.out.printf(Locale.ROOT, "ratio Cutover/native: %s%.2f× (goal ≥ 0.8×)%s%n", qualifier, ratio,
                        !cutoverFailed && !nativeFailed ? " — neither consumer reached its limit; the load did" : "");
            } else {
                System.out.println("ratio Cutover/native: not measured (a consumer failed the lowest rate)");
            }
            for (int i = 0; i < backlogs.size(); i++) {
                System.out.println((backlogs.size() > 1 ? "round " + (i + 1) + ": " : "") + backlogs.get(i).text());
            }
        } finally {
            sampler.shutdownNow();
            if (sync != null && sync.isAlive()) {
                sync.destroyForcibly();
            }
            try {
                copy.exec("DROP SUBSCRIPTION IF EXISTS " + nativeName); // drops its slot on the old server too
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
            try {
                old.exec("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name IN ('" + cutoverSlot + "', '"
                        + nativeName + "', '" + nativeName + "_witness') AND NOT active");
            } catch (RuntimeException e) {
                System.err.println("cleanup: " + e.getMessage());
            }
            for (TestDb db : List.of(copy, neu, old)) {
                db.close();
            }
        }
        System.exit(exit);
    }

    /** One fixed-rate run of pgbench and the lags of both consumers over it. */
    private static Step step(PgBench load, int rate, int seconds, int drainSeconds, TestDb old) throws Exception {
        long before = changes(old);
        int from = sampleCount();
        long t0 = System.nanoTime();
        PgBench.Result r = load.run(rate, seconds);
        int to = sampleCount();
        long changes = changes(old) - before;
        if (Math.abs(changes - r.transactions()) > r.transactions() / 50 + 10) {
            System.out.printf(Locale.ROOT, "(rate %d: the old table counted %,d changes for %,d pgbench transactions)%n", rate, changes,
                    r.transactions());
        }
        boolean drained = drain(drainSeconds);
        List<Sample> all;
        synchronized (SAMPLES) {
            all = new ArrayList<>(SAMPLES);
        }
        // the first second is pgbench connecting
        long skip = t0 + TimeUnit.SECONDS.toNanos(1);
        while (from < to && all.get(from).nanos() < skip) {
            from++;
        }
        return new Step(rate, r.tps() * changes / Math.max(1, r.transactions()), r.tps(), lags(all, from, to, true),
                lags(all, from, to, false), drained);
    }

    /** How long one consumer took alone to confirm past the end of a backlog, and its CPU per 1,000 changes meanwhile. */
    private record Drained(double seconds, double cpuPer1000, String cpuDetail) {
    }

    /** The backlog test: {@code changes} written while both consumers were stopped, then each drained it alone. */
    private record Backlog(long changes, double writeSeconds, Drained cutover, Drained nativ) {
        String text() {
            double c = changes / cutover.seconds;
            double n = changes / nativ.seconds;
            return String.format(Locale.ROOT, "backlog of %,d changes (written in %.1f s with both consumers stopped), drained by each consumer"
                            + " alone:%n  Cutover %.1f s = %,.0f changes/s, CPU per 1,000 changes %.0f ms (%s)%n  native  %.1f s = %,.0f"
                            + " changes/s, CPU per 1,000 changes %.0f ms (%s)%n  throughput ratio Cutover/native: %.2f× (goal ≥ 0.8×)",
                    changes, writeSeconds, cutover.seconds, c, cutover.cpuPer1000, cutover.cpuDetail, nativ.seconds, n, nativ.cpuPer1000,
                    nativ.cpuDetail, c / n);
        }
    }

    /**
     * The backlog test (a true throughput ratio, without pgbench competing for the cores): with both
     * consumers caught up, the sync JVM is frozen (SIGSTOP: it holds no transaction open when idle,
     * and stays warm) and its walsender ended, and the subscription disabled (which ends its
     * walsender); pgbench writes {@code n} changes as fast as it can; then the sync JVM alone is
     * resumed (SIGCONT; it reconnects) and timed until its slot confirmed the WAL position at the end
     * of the backlog, then the subscription alone is enabled and timed the same way.
     */
    private static Backlog backlog(PgBench load, TestDb old, TestDb neu, TestDb copy, String nativeName, String cutoverSlot, long syncPid, int n,
                                   int timeoutSeconds)
            throws Exception {
        if (!drain(timeoutSeconds)) {
            throw new IllegalStateException("the consumers did not catch up before the backlog test");
        }
        for (int attempt = 0; ; attempt++) {
            signal(syncPid, "STOP");
            // frozen outside a transaction, else pgbench would wait for its row locks
            if ("0".equals(scalar(old, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND application_name = 'cutover' AND backend_type = 'client backend' AND state <> 'idle'"))) {
                break;
            }
            signal(syncPid, "CONT");
            if (attempt > 50) {
                throw new IllegalStateException("cutover sync never idle for the backlog test");
            }
            Thread.sleep(20);
        }
        long nativeStopped;
        double writeSeconds;
        long target;
        try {
            // its walsender goes too, as native's does with DISABLE: else it would decode the backlog into the socket's buffers
            // (megabytes) meanwhile; on SIGCONT sync finds its stream gone and reconnects (its first retry waits 200 ms)
            old.exec("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '" + cutoverSlot + "'");
            awaitInactive(old, cutoverSlot, timeoutSeconds);
            copy.exec("ALTER SUBSCRIPTION " + nativeName + " DISABLE");
            awaitInactive(old, nativeName, timeoutSeconds);
            long w0 = System.nanoTime();
            PgBench.Result r = load.runTransactions(n);
            writeSeconds = (System.nanoTime() - w0) / 1e9;
            nativeStopped = r.transactions();
            target = Long.parseLong(scalar(old, "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint"));
        } catch (Exception e) {
            signal(syncPid, "CONT");
            throw e;
        }
        Cpu c0 = Cpu.read(old, neu, copy, nativeName, syncPid);
        long t0 = System.nanoTime();
        signal(syncPid, "CONT");
        double cutoverSeconds = awaitConfirmed(target, t0, true, timeoutSeconds);
        Cpu c1 = Cpu.read(old, neu, copy, nativeName, syncPid);
        long t1 = System.nanoTime();
        copy.exec("ALTER SUBSCRIPTION " + nativeName + " ENABLE");
        double nativeSeconds = awaitConfirmed(target, t1, false, timeoutSeconds);
        Cpu c2 = Cpu.read(old, neu, copy, nativeName, syncPid);
        double k = nativeStopped / 1000.0;
        double jvm = (c1.syncJvm - c0.syncJvm) / k;
        // the reconnect made new server processes (walsender, reads, writes): their CPU is all the drain's
        double sender = Math.max(0, c1.cutoverSender) / k;
        double reads = Math.max(0, c1.cutoverReads) / k;
        double writes = Math.max(0, c1.cutoverWrites) / k;
        double jit = (c1.jit - c0.jit) / k;
        double gc = (c1.gc - c0.gc) / k;
        // native's walsender and apply worker started with ENABLE: their CPU is all the drain's
        double nSender = Math.max(0, c2.nativeSender) / k;
        double nApply = Math.max(0, c2.nativeApply) / k;
        return new Backlog(nativeStopped, writeSeconds,
                new Drained(cutoverSeconds, jvm + sender + reads + writes, String.format(Locale.ROOT,
                        "sync JVM %.0f, of which JIT compiler %.0f and GC %.0f; walsender %.0f, reads %.0f, writes %.0f", jvm, jit, gc, sender, reads,
                        writes)),
                new Drained(nativeSeconds, nSender + nApply, String.format(Locale.ROOT, "walsender %.0f, apply worker %.0f", nSender, nApply)));
    }

    private static void signal(long pid, String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("kill -" + sig + " " + pid + " failed");
        }
    }

    private static void awaitInactive(TestDb old, String slot, int timeoutSeconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (!"f".equals(scalar(old, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'"))) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException("slot " + slot + " still active " + timeoutSeconds + " s after DISABLE");
            }
            Thread.sleep(20);
        }
    }

    /** Seconds from {@code t0} until the sampler saw the consumer's slot confirm {@code target}. */
    private static double awaitConfirmed(long target, long t0, boolean cutover, int timeoutSeconds) throws InterruptedException {
        long until = t0 + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < until) {
            Sample s = last();
            if (s.nanos() > t0 && confirmed(s, cutover) >= target) {
                return (s.nanos() - t0) / 1e9;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException((cutover ? "cutover sync" : "the subscription") + " did not drain the backlog in " + timeoutSeconds + " s");
    }

    /** Waits until both slots confirmed the WAL position of now; false after {@code seconds}. */
    private static boolean drain(int seconds) throws InterruptedException {
        long start = System.nanoTime();
        long until = start + TimeUnit.SECONDS.toNanos(seconds);
        Long target = null;
        while (System.nanoTime() < until) {
            Sample s = last();
            if (target == null && s.nanos() > start) {
                target = s.wal();
            }
            if (target != null && s.cutover() >= target && s.nativ() >= target) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static Lags lags(List<Sample> all, int from, int to, boolean cutover) {
        List<Double> out = new ArrayList<>();
        int unresolved = 0;
        double worst = 0;
        int j = from;
        for (int i = from; i < to; i++) {
            Sample s = all.get(i);
            if (j < i) {
                j = i;
            }
            while (j < all.size() && confirmed(all.get(j), cutover) < s.wal()) {
                j++;
            }
            if (j == all.size()) {
                unresolved++;
                worst = Math.max(worst, (all.get(all.size() - 1).nanos() - s.nanos()) / 1e9);
                continue;
            }
            double lag = (all.get(j).nanos() - s.nanos()) / 1e9;
            out.add(lag);
            worst = Math.max(worst, lag);
        }
        int n = out.size() + unresolved;
        if (n == 0) {
            return new Lags(0, 0, 0, 0, 0);
        }
        double[] v = out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double[] full = Arrays.copyOf(v, n);
        Arrays.fill(full, v.length, n, Double.POSITIVE_INFINITY);
        return new Lags(n, pct(full, 0.50), pct(full, 0.99), worst, unresolved);
    }

    private static long confirmed(Sample s, boolean cutover) {
        return cutover ? s.cutover() : s.nativ();
    }

    private static double pct(double[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** The highest rate pgbench reached in a step the consumer passed, below the first step it failed. */
    private static double best(List<Step> steps, boolean cutover) {
        double best = 0;
        for (Step s : steps) {
            if (!(cutover ? s.cutover() : s.nativ()).passed()) {
                break;
            }
            best = Math.max(best, s.changesPerSecond());
        }
        return best;
    }

    private static String bound(double best, boolean failed) {
        return (failed ? "" : "≥ ") + String.format(Locale.ROOT, "%,.0f", best);
    }

    private static void print(String label, Step s) {
        System.out.printf(Locale.ROOT, "%-22s %-14s %-44s %s%s%n", label, String.format(Locale.ROOT, "%,.0f", s.changesPerSecond()),
                s.cutover().text(), s.nativ().text(), s.drained() ? "" : "  (not caught up after the step)");
    }

    /** Both targets hold what the old database holds (rows, keys, amounts; the new one through the plan's transform). */
    private static boolean check(TestDb old, TestDb neu, TestDb copy, String witness) {
        String o = scalar(old, "SELECT count(*) || ' ' || coalesce(sum(id), 0) || ' ' || coalesce(sum(round(total_amount * 100)), 0)"
                + " || ' ' || count(*) FILTER (WHERE metadata->>'shipping_method' = 'express') FROM orders");
        String c = scalar(copy, "SELECT count(*) || ' ' || coalesce(sum(id), 0) || ' ' || coalesce(sum(round(total_amount * 100)), 0)"
                + " || ' ' || count(*) FILTER (WHERE metadata->>'shipping_method' = 'express') FROM orders");
        String n = scalar(neu, "SELECT count(*) || ' ' || coalesce(sum(id), 0) || ' ' || coalesce(sum(total_cents), 0)"
                + " || ' ' || count(*) FILTER (WHERE shipping_method = 'express') FROM orders");
        boolean ok = o.equals(c) && o.equals(n);
        if (!o.equals(n)) {
            differences("Cutover's target", witness, old, "SELECT id, round(total_amount * 100)::bigint, metadata->>'shipping_method' FROM orders",
                    neu, "SELECT id, total_cents, shipping_method FROM orders");
        }
        if (!o.equals(c)) {
            differences("native copy", witness, old, "SELECT id, round(total_amount * 100)::bigint, metadata->>'shipping_method' FROM orders",
                    copy, "SELECT id, round(total_amount * 100)::bigint, metadata->>'shipping_method' FROM orders");
        }
        System.out.println(ok ? "checked after the run: both targets hold the old table's rows (count, sum of keys, sum of cents, shipping"
                + " methods: " + o.split(" ")[0] + " rows)" : "MISMATCH after the run (count, sum of keys, sum of cents, express orders): old "
                + o + ", Cutover's target " + n + ", native copy " + c);
        return ok;
    }

    /** Prints the keys (not the values) of up to 20 rows that differ between the old table and a target. */
    private static void differences(String what, String witness, TestDb old, String oldSql, TestDb target, String targetSql) {
        java.util.Map<Long, String> a = rows(old, oldSql);
        java.util.Map<Long, String> b = rows(target, targetSql);
        List<String> out = new ArrayList<>();
        for (var e : a.entrySet()) {
            String other = b.get(e.getKey());
            if (other == null) {
                out.add(e.getKey() + " missing");
            } else if (!other.equals(e.getValue())) {
                out.add(e.getKey() + " different");
            }
        }
        for (Long k : b.keySet()) {
            if (!a.containsKey(k)) {
                out.add(k + " extra");
            }
        }
        System.out.println(what + ": " + out.size() + " key(s) differ: " + String.join(", ", out.subList(0, Math.min(20, out.size()))));
        // each differing key's changes as the witness slot decodes them: operation, transaction, commit position
        for (String d : out.subList(0, Math.min(5, out.size()))) {
            String k = d.substring(0, d.indexOf(' '));
            System.out.println("  key " + k + ", its changes in WAL order: " + scalar(old, """
                    WITH c AS (SELECT lsn, xid, data FROM pg_logical_slot_peek_changes('%s', NULL, NULL)),
                         k AS (SELECT lsn, xid, rtrim(split_part(data, ' ', 3), ':') AS op FROM c
                                WHERE data LIKE 'table public.orders: %%: id[bigint]:%s %%' OR data LIKE 'table public.orders: %%: id[bigint]:%s')
                    SELECT coalesce(string_agg(k.op || ' in xid ' || k.xid || ' committed at ' || (SELECT min(c.lsn) FROM c
                             WHERE c.xid = k.xid AND c.data LIKE 'COMMIT%%'), ', ' ORDER BY k.lsn), 'none')
                      FROM k""".formatted(witness, k, k)));
        }
    }

    private static java.util.Map<Long, String> rows(TestDb db, String sql) {
        java.util.Map<Long, String> out = new java.util.HashMap<>();
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2) + "|" + rs.getString(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        return out;
    }

    /** Rows inserted, updated and deleted in the old table so far (the server's statistics). */
    private static long changes(TestDb db) {
        return Long.parseLong(scalar(db, "SELECT n_tup_ins + n_tup_upd + n_tup_del"
                + " FROM pg_stat_user_tables WHERE relname = 'orders'"));
    }

    private static String scalar(TestDb db, String sql) {
        try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static int sampleCount() {
        synchronized (SAMPLES) {
            return SAMPLES.size();
        }
    }

    private static Sample last() {
        synchronized (SAMPLES) {
            return SAMPLES.get(SAMPLES.size() - 1);
        }
    }

    /**
     * CPU time (user + system, from /proc) so far of each process that does a consumer's work: for
     * Cutover the sync JVM, its walsender and its reads on the old server, its writes on the new
     * one; for native replication its walsender and the subscriber's apply worker. -1 where a
     * process was not found (servers of your own on another machine).
     */
    private record Cpu(long syncJvm, long jit, long gc, long cutoverSender, long cutoverReads, long cutoverWrites, long nativeSender,
                       long nativeApply) {
        static Cpu read(TestDb old, TestDb neu, TestDb copy, String nativeName, long syncPid) {
            return new Cpu(jvm(syncPid), threads(syncPid, "C1 CompilerThre", "C2 CompilerThre"), threads(syncPid, "GC Thread", "G1 "),
                    ticks(old, "SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'walsender'"
                            + " AND application_name = 'cutover'"),
                    ticks(old, "SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
                            + " AND application_name = 'cutover'"),
                    ticks(neu, "SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'"
                            + " AND application_name = 'cutover'"),
                    ticks(old, "SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'walsender'"
                            + " AND application_name = '" + nativeName + "'"),
                    ticks(copy, "SELECT max(pid) FROM pg_stat_activity WHERE datname = current_database()"
                            + " AND backend_type = 'logical replication worker'"));
        }

        String per1000(Cpu before, long changes) {
            double k = Math.max(1, changes) / 1000.0;
            long[] a = {syncJvm, cutoverSender, cutoverReads, cutoverWrites, nativeSender, nativeApply, jit, gc};
            long[] b = {before.syncJvm, before.cutoverSender, before.cutoverReads, before.cutoverWrites, before.nativeSender, before.nativeApply,
                before.jit, before.gc};
            double[] d = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                // NaN (printed "NaN"): not measured, or a thread ended meanwhile (its time left the JVM's tasks)
                d[i] = a[i] < 0 || b[i] < 0 || a[i] < b[i] ? Double.NaN : (a[i] - b[i]) / k;
            }
            return String.format(Locale.ROOT, "CPU per 1,000 changes over the measured steps (%,d changes): Cutover %.0f ms (sync JVM %.0f"
                            + " of which JIT compiler %.0f and GC %.0f, its walsender %.0f, its reads on the old server %.0f, its writes on the new"
                            + " server %.0f); native %.0f ms (walsender %.0f, apply worker %.0f)", changes, d[0] + d[1] + d[2] + d[3], d[0], d[6], d[7],
                    d[1], d[2], d[3], d[4] + d[5], d[4], d[5]);
        }

        /**
         * CPU milliseconds so far of the JVM's threads whose name starts with one of {@code prefixes}
         * ({@code /proc/<pid>/task/<tid>/comm}, cut at 15 characters by Linux); -1 when not readable.
         */
        private static long threads(long pid, String... prefixes) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                long sum = 0;
                for (Path t : tasks.toList()) {
                    try {
                        String comm = Files.readString(t.resolve("comm")).trim();
                        if (Arrays.stream(prefixes).noneMatch(comm::startsWith)) {
                            continue;
                        }
                        String stat = Files.readString(t.resolve("stat"));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
                    } catch (IOException | RuntimeException e) {
                        // the thread ended meanwhile
                    }
                }
                return sum;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        private static long jvm(long pid) {
            return ProcessHandle.of(pid).flatMap(h -> h.info().totalCpuDuration()).map(java.time.Duration::toMillis).orElse(-1L);
        }

        /** The CPU milliseconds of the server process the query names (clock ticks of 10 ms, the Linux default). */
        private static long ticks(TestDb db, String pidQuery) {
            String pid = scalar(db, pidQuery);
            if (pid == null) {
                return -1;
            }
            try {
                String stat = Files.readString(Path.of("/proc", pid, "stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }
    }

    /** pgbench at a fixed rate against the old database. */
    private record PgBench(String binary, TestDb db, int clients, Path upsert, Path delete, Path log) {
        private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+)");
        private static final Pattern PROCESSED = Pattern.compile("actually processed: ([0-9]+)");

        /** What pgbench reported: transactions, and transactions/s (without connecting). */
        record Result(long transactions, double tps) {
        }

        /** Runs {@code total} transactions (rounded down to a multiple of the clients) as fast as it can. */
        Result runTransactions(int total) throws IOException, InterruptedException {
            return exec(List.of("-t", Integer.toString(Math.max(1, total / clients))), 600);
        }

        /** Runs {@code seconds} at {@code rate} transactions/s. */
        Result run(int rate, int seconds) throws IOException, InterruptedException {
            return exec(List.of("-R", Integer.toString(rate), "-T", Integer.toString(seconds)), seconds);
        }

        private Result exec(List<String> how, int seconds) throws IOException, InterruptedException {
            List<String> cmd = new ArrayList<>(List.of(binary, "-n"));
            cmd.addAll(how);
            cmd.addAll(List.of("-c", Integer.toString(clients), "-j", "2", "-f", upsert + "@9", "-f", delete + "@1", db.name()));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().put("PGHOST", db.host());
            pb.environment().put("PGPORT", Integer.toString(db.port()));
            pb.environment().put("PGUSER", db.user());
            if (db.password() != null) {
                pb.environment().put("PGPASSWORD", db.password());
            }
            pb.environment().put("PGOPTIONS", "-c synchronous_commit=on");
            long before = Files.exists(log) ? Files.size(log) : 0;
            Process p = pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("pgbench did not finish; see " + log);
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            out = out.substring((int) Math.min(out.length(), before));
            if (p.exitValue() != 0) {
                throw new IllegalStateException("pgbench failed (exit " + p.exitValue() + "):\n" + out);
            }
            Matcher t = TPS.matcher(out);
            Matcher n = PROCESSED.matcher(out);
            if (!t.find() || !n.find()) {
                throw new IllegalStateException("pgbench printed no tps; see " + log);
            }
            return new Result(Long.parseLong(n.group(1)), Double.parseDouble(t.group(1)));
        }
    }

    private static boolean ownServers() {
        return blank(System.getenv("CUTOVER_TEST_PG_URL")) && blank(System.getenv("CUTOVER_TEST_PG_NEW_URL"));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("CPU model unknown");
        } catch (IOException e) {
            return "CPU model unknown";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String secs(double s) {
        return Double.isInfinite(s) ? "∞" : String.format(Locale.ROOT, "%.2f s", s);
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return blank(v) ? dflt : v;
    }

    static int intEnv(String name, int dflt) {
        return Integer.parseInt(env(name, Integer.toString(dflt)));
    }
}
