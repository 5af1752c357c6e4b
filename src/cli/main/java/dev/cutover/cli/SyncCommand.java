package dev.cutover.cli;

import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncHealth;
import dev.cutover.capture.SyncSlot;
import dev.cutover.capture.SyncStatus;
import dev.cutover.plan.Plan;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/** {@code cutover sync}: follows the old database's changes and applies them to the new one (docs/sync.md). */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = {"Follows the old database's changes (logical replication, pgoutput) and applies them to the new database",
                "through the plan: each changed key is re-synced from the old database, and the position is confirmed only after.",
                "Creates the publication and slot cutover_<plan> on the old database when missing. Runs until Ctrl-C,",
                "or with --until-caught-up until every change written before it caught up is applied.",
                "Exit status: 0 stopped or caught up, 2 error."})
public final class SyncCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    Connections connections;

    @Mixin
    PlanOptions planOptions;

    @Option(names = "--until-caught-up", description = "exit 0 once every change written to the old database before sync found itself idle is applied")
    boolean untilCaughtUp;

    @Option(names = "--reverse", description = "the reverse stream, from new_primary on: follow the new database and write the old one through the plan's reverse mappings (slot cutover_<plan>_rev on the new database)")
    boolean reverse;

    @Option(names = "--drop", description = "drop the slot and the publication (refused while a sync process streams from the slot)")
    boolean drop;

    @Option(names = "--batch-keys", paramLabel = "N", description = "keys re-synced per batch at most before the position is confirmed (default: ${DEFAULT-VALUE})")
    int batchKeys = 5000;

    @Option(names = "--max-retained-wal", paramLabel = "SIZE", description = "warn when the slot retains more WAL than this, e.g. 512MB, 1GB, 0 = never (default: ${DEFAULT-VALUE})")
    String maxRetainedWal = "1GB";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        if (drop) {
            SyncSlot dropping = reverse ? new SyncSlot(connections.newDb(), plan, dev.cutover.sql.Direction.REVERSE)
                    : new SyncSlot(connections.oldDb(), plan);
            SyncSlot.Dropped d = dropping.drop();
            boolean redis = connections.redisUrl != null || System.getenv("CUTOVER_REDIS_URL") != null;
            boolean forgotten = redis && new SyncHealth(connections.redisUrl(), plan.name(), reverse).forget();
            out.println("sync " + plan.name() + ": " + (d.slot() ? "replication slot " : "no replication slot ")
                    + dropping.slot() + (d.slot() ? " dropped" : "") + "; "
                    + (d.publication() ? "publication dropped" : "no publication")
                    + (forgotten ? "; its status in Redis removed (the phase guards no longer wait for it)" : ""));
            return ExitCodes.OK;
        }
        SyncEngine.Options o;
        try {
            o = SyncEngine.Options.defaults().withUntilCaughtUp(untilCaughtUp).withBatchKeys(batchKeys)
                    .withMaxRetainedBytes(size(maxRetainedWal));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        SyncEngine engine = new SyncEngine(connections.oldDb(), connections.newDb(), plan, o,
                reverse ? dev.cutover.sql.Direction.REVERSE : dev.cutover.sql.Direction.FORWARD);
        boolean redis = connections.redisUrl != null || System.getenv("CUTOVER_REDIS_URL") != null;
        SyncHealth health = redis ? new SyncHealth(connections.redisUrl(), plan.name(), reverse) : null;
        out.println("sync " + plan.name() + ": following the " + (reverse ? "new database (reverse, into the old one)" : "old database")
                + " through slot and publication " + engine.slot().slot()
                + (health == null ? "; no --redis: lag and health only here" : "; lag and health in Redis"));
        out.flush();
        long[] lastLine = {0};
        boolean[] warned = {false};
        Consumer<SyncStatus> status = s -> {
            if (health != null) {
                health.accept(s);
            }
            long now = System.currentTimeMillis();
            if (s.retainedTooMuch() && !warned[0]) {
                out.println(s.warning());
                warned[0] = true;
            } else if (!s.retainedTooMuch()) {
                warned[0] = false;
            }
            if (now - lastLine[0] >= 10_000 || !SyncStatus.RUNNING.equals(s.state())) {
                out.println(s.line());
                lastLine[0] = now;
            }
            out.flush();
        };
        // the stop hook waits for the summary below, not only for the engine: the JVM ends when the hook returns
        java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
        try (StopHook hook = new StopHook(() -> {
            engine.stop();
            try {
                done.await(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            return runAndReport(engine, status, health, plan, out);
        } finally {
            done.countDown();
        }
    }

    private static int runAndReport(SyncEngine engine, Consumer<SyncStatus> status, SyncHealth health, Plan plan, PrintWriter out)
            throws InterruptedException {
        SyncEngine.Report r;
        try {
            r = engine.run(status);
        } finally {
            if (health != null) {
                health.close();
            }
        }
        out.printf(Locale.ROOT, "sync %s %s: %,d changes in %,d transactions, %,d keys re-synced%s; confirmed up to %s%n", plan.name(),
                r.caughtUp() ? "caught up" : "stopped", r.changes(), r.transactions(), r.keysSynced(),
                r.truncates() > 0 ? String.format(Locale.ROOT, ", %d truncated table(s) re-synced whole", r.truncates()) : "",
                r.confirmedLsn() == null ? "where it started" : r.confirmedLsn());
        out.flush();
        return ExitCodes.OK;
    }

    /** {@code 1GB}, {@code 512MB}, {@code 100kB}, {@code 12345} (bytes). */
    static long size(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace(" ", "");
        long mult = 1;
        for (String[] u : new String[][] {{"TB", "1099511627776"}, {"GB", "1073741824"}, {"MB", "1048576"}, {"KB", "1024"}, {"B", "1"}}) {
            if (t.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                t = t.substring(0, t.length() - u[0].length());
                break;
            }
        }
        try {
            long v = Long.parseLong(t);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v * mult;
        } catch (NumberFormatException e) {
            throw new UserError("--max-retained-wal must be a size such as 512MB or 1GB, got " + s);
        }
    }
}
