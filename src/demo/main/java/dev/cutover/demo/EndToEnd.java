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
                         RedisRestart restartRedis, boolean pauseBackends, boolean sync) {
        /** The router proof. */
        public Config(Db oldDb, Db newDb, String redisUrl, Path planFile, double rate, Duration dwell, long backfillRowsPerSec,
                      RedisRestart restartRedis, boolean pauseBackends) {
            this(oldDb, newDb, redisUrl, planFile, rate, dwell, backfillRowsPerSec, restartRedis, pauseBackends, false);
        }
    }

    @FunctionalInterface
    public interface RedisRestart {
        void restart() throws Exception;
    }

    /**
     * The outcome. {@code verifyDifferences} is -1 when the final verify could not run; {@code flips}
     * (the sync proof) the write pause each {@code flip-writes} printed, {@code delayedWrites} the
     * application's writes a flip's block refused and it retried on the other side.
     */
    public record Result(long requests, long errors, long shed, long verifyDifferences, WriteLog.Check writes,
                         List<LoadGenerator.Segment> segments, List<String> faults, List<String> overrides, List<String> flips,
                         long delayedWrites, long longestWaitMillis) {
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
    private final List<String> flips = new ArrayList<>();
    /** The child processes' output files and the router's spill folder: removed after a proof that passed, kept to read after one that did not. */
    private final List<Path> scratch = java.util.Collections.synchronizedList(new ArrayList<>());
    private SampleRuntime rt;
    private Process sync;

    public EndToEnd(Config cfg, PrintWriter out) {
        this.cfg = cfg;
        this.out = out;
        this.plan = PlanFile.read(cfg.planFile());
    }

    public Result run() throws Exception {
        Result r = cfg.sync() ? runSync() : runRouter();
        if (r.ok()) {
            for (Path p : scratch) {
                deleteTree(p);
            }
        } else if (!scratch.isEmpty()) {
            say("   kept to read: the child processes' output and the router's spill folder (" + scratch.size() + " in "
                    + scratch.get(0).getParent() + ")");
        }
        return r;
    }

    private static void deleteTree(Path p) {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(p)) {
            for (Path f : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
                java.nio.file.Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // a file the proof made and cannot delete stays in the temporary folder; the proof's verdict stands
        }
    }

    private Result runRouter() throws Exception {
        SampleRuntime.Settings base = SampleRuntime.Settings.forRate(cfg.rate());
        SampleRuntime.Settings settings = new SampleRuntime.Settings(base.rate(), base.threads(), base.poolSize(),
                scratch(java.nio.file.Files.createTempDirectory("cutover-e2e-spill")));
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
            backfillWithAKill(false);

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
                    restartRedis("during traffic_shift at 25 %");
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
                    List.copyOf(faults), List.copyOf(overrides), List.of(), 0, 0);
            report(r);
            return r;
        }
    }

    /**
     * The proof with change capture instead of the router: the application writes and reads the
     * old database with plain JDBC ({@link DirectSides}), {@code cutover sync} (a child process)
     * follows it, writes move with {@code cutover flip-writes --to new} (the application switching on
     * its SWITCH NOW), {@code sync --reverse} follows the new side, and a rollback moves them back.
     */
    private Result runSync() throws Exception {
        SampleRuntime.Settings settings = SampleRuntime.Settings.forRate(cfg.rate());
        // a refused write waits for the switch as long as a flip may pause writes (flip-writes' --max-pause and lock tries)
        try (SampleRuntime runtime = SampleRuntime.openDirect(cfg.oldDb(), cfg.newDb(), settings, 90_000)) {
            this.rt = runtime;
            DirectSides app = rt.direct();
            rt.load().onSecond(s -> say("   " + s.line()));
            rt.load().segment("planning");
            rt.load().start();
            say("   the application reads and writes the old database with plain JDBC: no router");
            dwell();

            step("plan check (with the change-capture prerequisites)");
            int check = cli("plan", "check", "--plan", plan(), "--sync");
            if (check == 2) {
                throw new IllegalStateException("the plan check could not run");
            }

            phase(Phase.BACKFILL);
            backfillWithAKill(true);

            startSync(false);
            phase(Phase.DUAL_WRITE); // the writes follow by sync
            dwell();
            if (cfg.pauseBackends()) {
                pauseNewBackends(Duration.ofMillis(1500));
            }
            killNewConnections(Duration.ofSeconds(4));
            dwell();
            killSync();
            dwell();
            Thread.sleep(1500);
            restartRedis("while sync runs");
            dwell();
            syncCaughtUp("sync");
            verifyClean("verify (forward, no repair)", "forward");

            // the write flip: the application without the router moves its writes itself, and flip-writes is the move
            // to new_primary, guarded without an override: no router ever reported for this migration, so its
            // shadow-read and read-shift guards do not apply (they say so); the clean verification is the evidence
            stopSync();
            rt.load().segment("flip to new");
            flipWrites("new", app, "--reason", "end-to-end sync proof: writes move with flip-writes");
            startSync(true);
            rt.load().segment("on new");
            dwell();
            syncCaughtUp("sync --reverse");
            // rows the plan's reverse mappings write differently from the legacy values (the plan check's
            // "do not come back equal" warnings): rewritten once from the new side, as the router proof does at new_primary
            step("repair --direction reverse (the rows the reverse mappings write differently; plan check's warnings)");
            if (cli("repair", "--plan", plan(), "--direction", "reverse") != 0) {
                throw new IllegalStateException("repair --direction reverse failed");
            }
            verifyClean("verify (reverse: the new database is the truth, no repair after it)", "reverse");
            dwell();

            // the rollback: writes back to the old database, the forward stream again
            stopSync();
            rt.load().segment("flip to old");
            flipWrites("old", app); // the rollback: recorded as traffic_shift
            startSync(false);
            step("phase dual_write (the rollback)");
            if (cli("phase", Phase.DUAL_WRITE.wireName(), "--reason", "end-to-end sync proof: rollback after the flip") != 0) {
                throw new IllegalStateException("cutover phase dual_write (rollback) failed");
            }
            rt.load().segment("rolled back");
            dwell();
            syncCaughtUp("sync");
            long differences = finalVerify("--direction", "forward", "--recheck-after", RECHECK_AFTER);
            dwell();

            step("stopping the load");
            rt.load().close();
            stopSync();
            step("sync --until-caught-up (the writes made up to the load's end)");
            if (cli("sync", "--until-caught-up") != 0) {
                throw new IllegalStateException("cutover sync --until-caught-up failed");
            }
            WriteLog.Check writes;
            try (Connection c = cfg.newDb().connect()) {
                writes = rt.workload().log().check(c);
            }
            step("sync --drop (the proof ends here: its slot would keep the old server's WAL)");
            cli("sync", "--drop");
            Result r = new Result(rt.load().requests(), rt.load().errors(), rt.load().shed(), differences, writes, rt.load().segments(),
                    List.copyOf(faults), List.copyOf(overrides), List.copyOf(flips), app.delayedWrites(), app.longestWaitMillis());
            report(r);
            return r;
        } finally {
            if (sync != null && sync.isAlive()) {
                sync.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ change capture

    /** Starts {@code cutover sync} (or {@code --reverse}) as a child process, so it can be killed for real. */
    private void startSync(boolean reverse) throws IOException {
        step(reverse ? "sync --reverse (child process)" : "sync (child process)");
        sync = reverse ? child("sync", "sync", "--reverse") : child("sync", "sync");
    }

    /** Stops the running sync as Ctrl-C does (SIGTERM: the batch in hand applied and confirmed); it must exit 0. */
    private void stopSync() throws InterruptedException {
        step("stopping sync (SIGTERM, as Ctrl-C)");
        sync.destroy();
        if (!sync.waitFor(60, TimeUnit.SECONDS)) {
            sync.destroyForcibly();
            throw new IllegalStateException("sync did not stop within 60 s of SIGTERM");
        }
        say("   (sync exit " + sync.exitValue() + ")");
        // 143: the JVM's exit on SIGTERM when the stop hook had nothing to say; both mean stopped
        if (sync.exitValue() != 0 && sync.exitValue() != 143) {
            throw new IllegalStateException("sync ended with exit " + sync.exitValue() + " (see its log)");
        }
    }

    /** SIGKILL of the sync process mid-stream, then a new one: it resumes from the slot's confirmed position. */
    private void killSync() throws Exception {
        step("fault: killing the sync process (SIGKILL)");
        if (!sync.isAlive()) {
            throw new IllegalStateException("sync had ended (exit " + sync.exitValue() + ") before the fault");
        }
        sync.destroyForcibly().waitFor();
        fault("sync process killed (SIGKILL) mid-stream, started again");
        startSync(false);
    }

    /** Waits until the running sync reports no change waiting (lag 0 s) in its status, up to two minutes. */
    private void syncCaughtUp(String which) throws InterruptedException {
        step("waiting for " + which + " to report itself caught up");
        boolean reverse = which.contains("reverse");
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < end) {
            if (!sync.isAlive()) {
                throw new IllegalStateException(which + " ended (exit " + sync.exitValue() + ")");
            }
            try (RedisLink redis = RedisLink.open(cfg.redisUrl())) {
                var st = reverse ? dev.cutover.capture.SyncHealth.readReverse(redis, plan.name())
                        : dev.cutover.capture.SyncHealth.read(redis, plan.name());
                if (st != null && "running".equals(st.state()) && st.lagSeconds() == 0 && System.currentTimeMillis() - st.updatedAt() < 3000) {
                    say(String.format("   %s running: lag %.1f s, %,d changes applied", which, st.lagSeconds(), st.changesApplied()));
                    return;
                }
            } catch (RuntimeException e) {
                // Redis a moment away (the restart fault): ask again
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(which + " did not catch up within 2 minutes");
    }

    /** Verify beside a running sync: a row written a moment ago reaches the other side within this (sync's lag, seconds at worst under the faults). */
    private static final String RECHECK_AFTER = "2s";

    /** A verify that must be clean without a repair; a difference found is looked at again twice (a change in flight), then it fails. */
    private void verifyClean(String what, String direction) throws InterruptedException {
        for (int round = 1; round <= 3; round++) {
            step(what + (round > 1 ? " (again, round " + round + ")" : ""));
            int rc = cli("verify", "--plan", plan(), "--direction", direction, "--recheck-after", RECHECK_AFTER);
            if (rc == 0) {
                return;
            }
            if (rc != 1) {
                throw new IllegalStateException("verify failed (exit " + rc + ")");
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("verify (" + direction + ") still finds differences after 3 rounds, with no repair");
    }

    /**
     * {@code cutover flip-writes --to side} as the DBA runs it; the application switches when the
     * command prints SWITCH NOW, as an operator changing a connection string would. The pause line
     * is kept for the report.
     */
    private void flipWrites(String side, DirectSides app, String... more) {
        step("flip-writes --to " + side + " (the application switches on SWITCH NOW; the phase recorded after it)");
        List<String> words = new ArrayList<>(List.of("flip-writes", "--to", side));
        words.addAll(List.of(more));
        say("   $ cutover " + String.join(" ", words));
        StringBuilder text = new StringBuilder();
        java.io.Writer lines = new java.io.Writer() {
            private final StringBuilder line = new StringBuilder();

            @Override
            public void write(char[] cbuf, int off, int len) {
                for (int i = off; i < off + len; i++) {
                    char ch = cbuf[i];
                    if (ch == '\n') {
                        String l = line.toString();
                        line.setLength(0);
                        if (l.startsWith("SWITCH NOW")) {
                            app.switchTo("new".equals(side));
                        }
                        say("     " + l);
                        text.append(l).append('\n');
                    } else {
                        line.append(ch);
                    }
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        StringWriter err = new StringWriter();
        int rc = CutoverCommand.run(args(words.toArray(new String[0])), new PrintWriter(lines, true), new PrintWriter(err, true));
        out.print(indent(err.toString()));
        say("   (exit " + rc + ")");
        if (rc != 0) {
            throw new IllegalStateException("cutover flip-writes --to " + side + " failed (exit " + rc + ")");
        }
        if (app.onNew() != "new".equals(side)) {
            throw new IllegalStateException("flip-writes --to " + side + " ended without SWITCH NOW");
        }
        if (!text.toString().contains("audited as flip_writes")) {
            throw new IllegalStateException("flip-writes --to " + side + " did not record the phase in Redis");
        }
        var m = java.util.regex.Pattern.compile("write pause [^;]*").matcher(text);
        flips.add("to " + side + ": " + (m.find() ? m.group() : "(no pause printed)"));
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
        if (rt.router() != null) {
            awaitRouter(() -> rt.router().state().phase() == p, "the router to follow phase " + p.wireName());
        }
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
    private void backfillWithAKill(boolean withSync) throws Exception {
        step("backfill" + (withSync ? " --with-sync" : "") + " (child process, throttled to " + cfg.backfillRowsPerSec() + " rows/s)");
        Process first = backfillProcess(cfg.backfillRowsPerSec(), withSync);
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
        Process second = backfillProcess(0, withSync);
        if (!second.waitFor(10, TimeUnit.MINUTES)) {
            second.destroyForcibly();
            throw new IllegalStateException("the resumed backfill did not finish in 10 minutes");
        }
        if (second.exitValue() != 0) {
            throw new IllegalStateException("the resumed backfill failed (exit " + second.exitValue() + ")");
        }
        say("   backfill done: " + newRows() + " rows in the new database");
    }

    private Process backfillProcess(long rowsPerSec, boolean withSync) throws IOException {
        // a short lease, so the resumed run takes over the killed worker's chunks within seconds
        List<String> a = new ArrayList<>(List.of("backfill", "--lease-ttl", "3000", "--progress", "lines"));
        if (withSync) {
            a.add("--with-sync");
        }
        if (rowsPerSec > 0) {
            a.addAll(List.of("--max-rows-per-sec", String.valueOf(rowsPerSec)));
        }
        return child("backfill", a.toArray(new String[0]));
    }

    private Path scratch(Path p) {
        scratch.add(p);
        return p;
    }

    /** {@code cutover <a>} (with the connection options) as a child process of this JVM, its output in a temporary file. */
    private Process child(String label, String... a) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.cutover.Main"));
        cmd.addAll(List.of(args(a)));
        File log = scratch(File.createTempFile("cutover-e2e-" + label, ".log").toPath()).toFile();
        say("   $ cutover " + String.join(" ", a) + "   (output: " + log + ")");
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
    private long finalVerify(String... options) {
        step("final verify (no repair after it)");
        List<String> a = new ArrayList<>(List.of("verify", "--plan", plan()));
        a.addAll(List.of(options));
        say("   $ cutover " + String.join(" ", a));
        StringWriter buf = new StringWriter();
        int rc = CutoverCommand.run(args(a.toArray(new String[0])), new PrintWriter(buf, true), new PrintWriter(buf, true));
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
        fault("new database connections killed for " + d.toSeconds() + " s " + (cfg.sync() ? "while sync runs" : "during dual_write")
                + " (" + killed + " sessions terminated)");
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
        fault("new database paused (SIGSTOP of its " + pids.size() + " backends) for " + d.toMillis() + " ms "
                + (cfg.sync() ? "while sync runs" : "during dual_write"));
    }

    private static void signal(String sig, List<Long> pids) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("kill", "-" + sig));
        pids.forEach(p -> cmd.add(String.valueOf(p)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private void restartRedis(String when) throws Exception {
        step("fault: restarting Redis");
        cfg.restartRedis().restart();
        fault("Redis killed and restarted " + when);
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
        say(r.overrides().isEmpty() ? "== no guard overridden" : "== guards overridden (audited): " + String.join(", ", r.overrides()));
        if (!r.flips().isEmpty()) {
            say("== write flips (flip-writes; the application switched on SWITCH NOW)");
            r.flips().forEach(f -> say("   " + f));
            say(String.format("   writes refused by the block and retried on the other side: %,d (delayed, not failed; longest wait %,d ms)",
                    r.delayedWrites(), r.longestWaitMillis()));
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
