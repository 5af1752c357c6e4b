package dev.cutover.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.Phase;
import dev.cutover.control.RedisLink;
import dev.cutover.io.Json;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbUrl;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.route.MismatchSamples;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end proof: walks the whole migration of the sample under load — plan check →
 * backfill → dual_write → verify/repair until clean → shadow_read → traffic 1 → 5 → 25 → 50 → 100 %
 * → new_primary → cleanup — with the sample application running at a fixed rate, and injects
 * faults on the way: the backfill process is killed and resumed, the new database's connections
 * are killed for several seconds and its backends paused (SIGSTOP) during dual_write, Redis is
 * restarted during traffic_shift. Every step is the same command a DBA runs ({@code cutover
 * phase}, {@code traffic}, {@code backfill}, {@code verify}, {@code repair}); the backfill runs as a
 * child process so it can be killed for real.
 *
 * <p>At the end it reports the three figures of the proof: the application's failed requests,
 * verify's differences, and acknowledged writes missing from the new database — plus p99 latency
 * for every phase.
 */
public final class EndToEnd {
    /** What the run needs; {@code restartRedis} restarts the control-state Redis (same URL). */
    public record Config(Db oldDb, Db newDb, String redisUrl, Path planFile, double rate, Duration dwell, long backfillRowsPerSec,
                         RedisRestart restartRedis, boolean pauseBackends) {
    }

    @FunctionalInterface
    public interface RedisRestart {
        void restart() throws Exception;
    }

    /** The outcome. {@code verifyDifferences} is -1 when the final verify could not run. */
    public record Result(long requests, long errors, long shed, long verifyDifferences, WriteLog.Check writes,
                         List<LoadGenerator.Segment> segments, List<String> faults, List<String> overrides) {
        public boolean ok() {
            return errors == 0 && shed == 0 && verifyDifferences == 0 && writes.ok();
        }
    }

    private static final ObjectMapper JSON = Json.MAPPER;

    private final Config cfg;
    private final PrintWriter out;
    private final Plan plan;
    private final List<String> faults = new ArrayList<>();
    private final List<String> overrides = new ArrayList<>();
    private SampleRuntime rt;

    public EndToEnd(Config cfg, PrintWriter out) {
        this.cfg = cfg;
        this.out = out;
        this.plan = PlanFile.read(cfg.planFile());
    }

    public Result run() throws Exception {
        SampleRuntime.Settings base = SampleRuntime.Settings.forRate(cfg.rate());
        SampleRuntime.Settings settings = new SampleRuntime.Settings(base.rate(), base.threads(), base.poolSize(),
                java.nio.file.Files.createTempDirectory("cutover-e2e-spill"));
        try (SampleRuntime runtime = SampleRuntime.open(cfg.oldDb(), cfg.newDb(), cfg.redisUrl(), plan, settings)) {
            this.rt = runtime;
            rt.load().onSecond(s -> say("   " + s.line()));
            rt.load().segment("planning");
            rt.load().start();
            dwell();

            step("plan check");
            int check = cli("plan", "check", "--plan", plan());
            if (check == 2) {
                throw new IllegalStateException("the plan check could not run");
            }

            phase(Phase.BACKFILL);
            backfillWithAKill();

            phase(Phase.DUAL_WRITE);
            dwell();
            if (cfg.pauseBackends()) {
                pauseNewBackends(Duration.ofMillis(1500));
            }
            killNewConnections(Duration.ofSeconds(4));
            dwell();
            rt.router().awaitQuiet(Duration.ofSeconds(30));
            verifyAndRepairUntilClean();

            phase(Phase.SHADOW_READ);
            step("shadow reads: half of the reads compared");
            if (cli("traffic", "--sample-rate", "0.5", "--reason", "end-to-end proof") != 0) {
                throw new IllegalStateException("cutover traffic --sample-rate failed");
            }
            dwell();

            phase(Phase.TRAFFIC_SHIFT);
            for (int percent : new int[] {1, 5, 25, 50, 100}) {
                traffic(percent);
                if (percent == 25) {
                    Thread.sleep(1500);
                    restartRedis();
                }
                dwell();
            }

            phase(Phase.NEW_PRIMARY);
            dwell();
            rt.router().awaitQuiet(Duration.ofSeconds(30));
            verifyAndRepairUntilClean();
            dwell();
            // the proof's verify: no repair after it — with writes still arriving (new first, then
            // mirrored to old), both databases must be identical through the plan
            rt.router().awaitQuiet(Duration.ofSeconds(30));
            long differences = finalVerify();

            phase(Phase.CLEANUP);
            dwell();

            step("stopping the load");
            rt.load().close();
            rt.router().awaitQuiet(Duration.ofSeconds(30));
            WriteLog.Check writes;
            try (Connection c = cfg.newDb().connect()) {
                writes = rt.workload().log().check(c);
            }
            Result r = new Result(rt.load().requests(), rt.load().errors(), rt.load().shed(), differences, writes, rt.load().segments(),
                    List.copyOf(faults), List.copyOf(overrides));
            report(r);
            return r;
        }
    }

    // ------------------------------------------------------------------ steps

    private void phase(Phase p) throws InterruptedException {
        step("phase " + p.wireName());
        // the shadow-read guard's window shortened to the time spent in a phase, its other limits as shipped
        String window = cfg.dwell().toSeconds() + "s";
        int rc = cli("phase", p.wireName(), "--reason", "end-to-end proof", "--mismatch-window", window, "--min-compared", "50");
        // a guard is a condition that becomes true (the failed-write queue drains as the router replays it,
        // the mismatch window slides): ask again for a while before overriding
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(Math.max(30, 3 * cfg.dwell().toSeconds()));
        while (rc == 1 && System.nanoTime() < until) {
            Thread.sleep(2000);
            rc = cli("phase", p.wireName(), "--reason", "end-to-end proof", "--mismatch-window", window, "--min-compared", "50");
        }
        if (rc == 1) {
            overrides.add("phase " + p.wireName());
            say("   a guard refused; the proof moves on with --override (audited)");
            sayMismatches();
            rc = cli("phase", p.wireName(), "--override", "--reason", "end-to-end proof: a guard refused in a short run",
                    "--mismatch-window", window, "--min-compared", "50");
        }
        if (rc != 0) {
            throw new IllegalStateException("cutover phase " + p.wireName() + " failed (exit " + rc + ")");
        }
        rt.load().segment(p.wireName());
        awaitRouter(() -> rt.router().state().phase() == p, "the router to follow phase " + p.wireName());
    }

    /** The shadow-read mismatch samples of the last window, counted by query (what a refused shadow guard saw). */
    private void sayMismatches() {
        Map<String, Integer> byQuery;
        try (RedisLink redis = RedisLink.open(cfg.redisUrl())) {
            byQuery = mismatchesByQuery(MismatchSamples.read(redis.sync(), new ControlKeys(plan.name())),
                    System.currentTimeMillis() - cfg.dwell().toMillis());
        } catch (RuntimeException e) {
            say("   (the mismatch samples could not be read: " + e.getMessage() + ")");
            return;
        }
        if (!byQuery.isEmpty()) {
            say("   shadow mismatches kept in the last " + cfg.dwell().toSeconds() + " s, by query: " + byQuery);
        }
    }

    /** Mismatch samples (as {@link MismatchSamples} stores them) taken at or after {@code sinceMillis}, counted by query and serving side. */
    static Map<String, Integer> mismatchesByQuery(List<String> samples, long sinceMillis) {
        Map<String, Integer> byQuery = new TreeMap<>();
        for (String json : samples) {
            dev.cutover.route.MismatchSamples.parse(json, false).filter(sample -> sample.atMillis() >= sinceMillis)
                    .ifPresent(sample -> byQuery.merge(sample.query() + " (served by " + sample.served() + ")", 1, Integer::sum));
        }
        return byQuery;
    }

    private void traffic(int percent) throws InterruptedException {
        step("traffic " + percent + " %");
        int rc = cli("traffic", String.valueOf(percent), "--reason", "end-to-end proof");
        if (rc == 1) {
            overrides.add("traffic " + percent);
            rc = cli("traffic", String.valueOf(percent), "--override", "--reason", "end-to-end proof: guard window shortened for the run");
        }
        if (rc != 0) {
            throw new IllegalStateException("cutover traffic " + percent + " failed (exit " + rc + ")");
        }
        rt.load().segment("traffic " + percent + "%");
        awaitRouter(() -> rt.router().state().readPercent() == percent, "the router to read " + percent + " % from new");
    }

    /** Starts the backfill as a child process, kills it (SIGKILL) once it has copied rows, then runs it again to completion. */
    private void backfillWithAKill() throws Exception {
        step("backfill (child process, throttled to " + cfg.backfillRowsPerSec() + " rows/s)");
        Process first = backfillProcess(cfg.backfillRowsPerSec());
        long copied = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (first.isAlive() && System.nanoTime() < deadline) {
            copied = newRows();
            if (copied > 0) {
                break;
            }
            Thread.sleep(100);
        }
        if (!first.isAlive()) {
            throw new IllegalStateException("the backfill ended (exit " + first.exitValue() + ") before it could be killed: "
                    + "lower the rows/s so the fault lands mid-copy");
        }
        Thread.sleep(500);
        first.destroyForcibly().waitFor();
        copied = newRows();
        fault("backfill process killed (SIGKILL) after " + copied + " rows were copied");
        step("backfill resumed");
        Process second = backfillProcess(0);
        if (!second.waitFor(10, TimeUnit.MINUTES)) {
            second.destroyForcibly();
            throw new IllegalStateException("the resumed backfill did not finish in 10 minutes");
        }
        if (second.exitValue() != 0) {
            throw new IllegalStateException("the resumed backfill failed (exit " + second.exitValue() + ")");
        }
        say("   backfill done: " + newRows() + " rows in the new database");
    }

    private Process backfillProcess(long rowsPerSec) throws IOException {
        // a short lease, so the resumed run takes over the killed worker's chunks within seconds
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.cutover.Main",
                "backfill", "--plan", plan(), "--old", cfg.oldDb().url(), "--new", cfg.newDb().url(), "--redis", cfg.redisUrl(),
                "--lease-ttl", "3000", "--progress", "lines"));
        if (rowsPerSec > 0) {
            cmd.addAll(List.of("--max-rows-per-sec", String.valueOf(rowsPerSec)));
        }
        File log = File.createTempFile("cutover-e2e-backfill", ".log");
        say("   $ cutover backfill" + (rowsPerSec > 0 ? " --max-rows-per-sec " + rowsPerSec : "") + "   (output: " + log + ")");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
    }

    private void verifyAndRepairUntilClean() throws InterruptedException {
        for (int round = 1; round <= 6; round++) {
            step("verify (round " + round + ")");
            int rc = cli("verify", "--plan", plan());
            if (rc == 0) {
                return;
            }
            if (rc != 1) {
                throw new IllegalStateException("verify failed (exit " + rc + ")");
            }
            step("repair");
            if (cli("repair", "--plan", plan()) != 0) {
                throw new IllegalStateException("repair failed");
            }
            rt.router().awaitQuiet(Duration.ofSeconds(30));
        }
        throw new IllegalStateException("verify still finds differences after 6 rounds of repair");
    }

    /** The final verify: the number of differences it reports (0 when it exits 0). */
    private long finalVerify() {
        step("final verify (no repair after it)");
        StringWriter buf = new StringWriter();
        int rc = CutoverCommand.run(args("verify", "--plan", plan()), new PrintWriter(buf, true), new PrintWriter(buf, true));
        out.print(indent(buf.toString()));
        if (rc == 0) {
            return 0;
        }
        if (rc == 1) {
            var m = java.util.regex.Pattern.compile("([0-9][0-9,]*) difference").matcher(buf.toString());
            return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : 1;
        }
        return -1;
    }

    // ------------------------------------------------------------------ faults

    /** Terminates every session of the new database, again and again, for {@code d}: it is unreachable that long. */
    private void killNewConnections(Duration d) throws SQLException, InterruptedException {
        step("fault: killing every connection to the new database for " + d.toSeconds() + " s");
        long killed = 0;
        long end = System.nanoTime() + d.toNanos();
        try (Connection admin = admin(); Statement s = admin.createStatement()) {
            while (System.nanoTime() < end) {
                try (var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = "
                        + dev.cutover.plan.SqlNames.literal(newDbName()) + " AND pid <> pg_backend_pid()")) {
                    rs.next();
                    killed += rs.getLong(1);
                }
                Thread.sleep(100);
            }
        }
        fault("new database connections killed for " + d.toSeconds() + " s during dual_write (" + killed + " sessions terminated)");
    }

    /** SIGSTOP on the new database's client backends (only that database's), then SIGCONT. */
    private void pauseNewBackends(Duration d) throws Exception {
        step("fault: pausing the new database's backends (SIGSTOP) for " + d.toMillis() + " ms");
        List<Long> pids = new ArrayList<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (pids.isEmpty()) {
            try (Connection admin = admin(); Statement s = admin.createStatement();
                 var rs = s.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = " + dev.cutover.plan.SqlNames.literal(newDbName())
                         + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
                while (rs.next()) {
                    pids.add(rs.getLong(1));
                }
            }
            if (pids.isEmpty()) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("no sessions on the new database to pause after 30 s");
                }
                Thread.sleep(200);
            }
        }
        signal("STOP", pids);
        try {
            Thread.sleep(d.toMillis());
        } finally {
            signal("CONT", pids);
        }
        fault("new database paused (SIGSTOP of its " + pids.size() + " backends) for " + d.toMillis() + " ms during dual_write");
    }

    private static void signal(String sig, List<Long> pids) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
        pids.forEach(p -> cmd.add(String.valueOf(p)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private void restartRedis() throws Exception {
        step("fault: restarting Redis");
        cfg.restartRedis().restart();
        fault("Redis killed and restarted during traffic_shift at 25 %");
    }

    // ------------------------------------------------------------------ helpers

    private Connection admin() {
        return new Db("PostgreSQL server", DbUrl.withDatabase(cfg.newDb().url(), "postgres")).connect();
    }

    private String newDbName() {
        return DbUrl.database(cfg.newDb().url());
    }

    private long newRows() throws SQLException {
        try (Connection c = cfg.newDb().connect(); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM orders)")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private void awaitRouter(java.util.function.BooleanSupplier cond, String what) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private void dwell() throws InterruptedException {
        Thread.sleep(cfg.dwell().toMillis());
    }

    private String plan() {
        return cfg.planFile().toString();
    }

    /**
     * The command line with the connection options the command takes (read from its picocli
     * declaration, so every command gets exactly the options it knows).
     */
    private String[] args(String... a) {
        picocli.CommandLine cmd = CutoverCommand.commandLine();
        for (String word : a) {
            picocli.CommandLine sub = cmd.getSubcommands().get(word);
            if (sub == null) {
                break;
            }
            cmd = sub;
        }
        var spec = cmd.getCommandSpec();
        List<String> all = new ArrayList<>(List.of(a));
        String[][] options = {{"--old", cfg.oldDb().url()}, {"--new", cfg.newDb().url()}, {"--redis", cfg.redisUrl()}, {"--plan", plan()}};
        for (String[] o : options) {
            if (spec.findOption(o[0]) != null && !all.contains(o[0])) {
                all.add(o[0]);
                all.add(o[1]);
            }
        }
        return all.toArray(new String[0]);
    }

    private int cli(String... a) {
        say("   $ cutover " + String.join(" ", a));
        StringWriter buf = new StringWriter();
        int rc = CutoverCommand.run(args(a), new PrintWriter(buf, true), new PrintWriter(buf, true));
        out.print(indent(buf.toString()));
        say("   (exit " + rc + ")");
        return rc;
    }

    private static String indent(String s) {
        return s.isEmpty() ? "" : s.lines().map(l -> "     " + l).reduce((a, b) -> a + "\n" + b).orElse("") + "\n";
    }

    private final long started = System.nanoTime();

    private void step(String what) {
        say(String.format("== [%5.1f s] %s", (System.nanoTime() - started) / 1e9, what));
    }

    private void fault(String what) {
        faults.add(what);
        say("   FAULT: " + what);
    }

    private synchronized void say(String line) {
        out.println(line);
        out.flush();
    }

    private void report(Result r) {
        say("");
        say("== p99 latency per phase (the application's requests, measured from when each was due)");
        for (LoadGenerator.Segment s : r.segments()) {
            say("   " + s.line());
        }
        say("== faults injected");
        r.faults().forEach(f -> say("   " + f));
        if (!r.overrides().isEmpty()) {
            say("== guards overridden (audited): " + String.join(", ", r.overrides()));
        }
        say("== the proof");
        say(String.format("   application requests failed:           %,d of %,d (shed: %,d)", r.errors(), r.requests(), r.shed()));
        rt.load().errorMessages().forEach((m, n) -> say(String.format("     %,d × %s", n, m)));
        say(String.format("   verify differences at the end:          %s", r.verifyDifferences() < 0 ? "verify failed" : String.format("%,d", r.verifyDifferences())));
        say(String.format("   acknowledged writes missing/different:  %,d / %,d of %,d", r.writes().missing(), r.writes().different(),
                r.writes().usersChecked() + r.writes().ordersChecked()));
        if (r.writes().firstProblem() != null) {
            say("     first: " + r.writes().firstProblem());
        }
        say(r.ok() ? "== PASS" : "== FAIL");
    }
}
