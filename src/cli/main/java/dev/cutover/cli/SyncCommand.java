package dev.cutover.cli;

import dev.cutover.app.SyncOnly;
import dev.cutover.app.SyncRun;
import dev.cutover.capture.SyncEngine;
import dev.cutover.capture.SyncStatus;
import dev.cutover.control.Actor;
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
                "--reverse with Redis is refused before phase new_primary.",
                "--forget-routers --reason R declares a migration that once had a router sync-only (docs/control.md).",
                "Exit status: 0 stopped, caught up or forgotten, 1 --reverse refused by the phase or --forget-routers refused, 2 error."})
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

    @Option(names = "--forget-routers", description = "declare the migration sync-only: forget that a router ever reported, so the shadow"
            + " mismatch and read-shift guards stop applying (needs --redis and --reason; refused while a router reports or sync is not in use; audited)")
    boolean forgetRouters;

    @Option(names = "--reason", paramLabel = "TEXT", description = "why (with --forget-routers; kept in the audit log)")
    String reason;

    @Option(names = "--batch-keys", paramLabel = "N", description = "keys re-synced per batch at most before the position is confirmed (default: ${DEFAULT-VALUE})")
    int batchKeys = 5000;

    @Option(names = "--max-retained-wal", paramLabel = "SIZE", description = "warn when the slot retains more WAL than this, e.g. 512MB, 1GB, 0 = never (default: ${DEFAULT-VALUE})")
    String maxRetainedWal = "1GB";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Plan plan = planOptions.plan();
        if (forgetRouters) {
            return forgetRouters(out);
        }
        if (drop) {
            SyncRun.Dropped d = SyncRun.drop(reverse ? connections.newDb() : connections.oldDb(), plan, reverse,
                    connections.redisUrlIfGiven());
            out.println(d.line(plan.name()));
            return ExitCodes.OK;
        }
        if (reverse) {
            Integer refused = reversePhaseCheck(plan);
            if (refused != null) {
                return refused;
            }
        }
        SyncRun run;
        try {
            run = new SyncRun(connections.oldDb(), connections.newDb(), plan,
                    new SyncRun.Settings(reverse, untilCaughtUp, batchKeys, size(maxRetainedWal), connections.redisUrlIfGiven()));
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        out.println(run.banner());
        out.flush();
        long[] lastLine = {0};
        boolean[] warned = {false};
        Consumer<SyncStatus> status = s -> {
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
            run.stop();
            try {
                done.await(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            SyncEngine.Report r = run.run(status);
            out.println(SyncRun.summary(plan.name(), r));
            if (run.stoppedBy() != null) {
                out.println(SyncRun.stoppedByLine(plan.name(), run.stoppedBy()));
            }
            out.flush();
            return ExitCodes.OK;
        } finally {
            done.countDown();
        }
    }

    /** {@code --forget-routers}: the migration declared sync-only ({@link SyncOnly}); exit 1 when refused. */
    private int forgetRouters(PrintWriter out) {
        if (!connections.redisGiven()) {
            throw new UserError("sync --forget-routers needs --redis (or CUTOVER_REDIS_URL): the mark it removes is in the control state");
        }
        try (ControlSession control = new ControlSession(connections, planOptions, dev.cutover.control.GuardSettings.defaults())) {
            out.println(SyncOnly.forgetRouters(control.plane, Actor.current(), reason).line(control.migration));
            return ExitCodes.OK;
        } catch (SyncOnly.Refused e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("cutover: sync --forget-routers: " + e.getMessage());
            err.flush();
            return ExitCodes.FOUND;
        }
    }

    /**
     * The reverse stream follows the new database, which takes the writes from new_primary on: with
     * Redis, refused (one line, exit 1, nothing created) in an earlier phase or a lost state; without
     * it, a warning.
     */
    private Integer reversePhaseCheck(Plan plan) {
        PrintWriter err = spec.commandLine().getErr();
        String name = "sync --reverse " + plan.name();
        if (!connections.redisGiven()) {
            err.println("cutover: WARNING: " + name + ": no --redis, so the phase is not checked; the reverse stream belongs from"
                    + " new_primary on, once writes are on the new database (cutover flip-writes --to new)");
            err.flush();
            return null;
        }
        try (ControlSession control = new ControlSession(connections, planOptions, dev.cutover.control.GuardSettings.defaults())) {
            dev.cutover.control.ControlView view = control.store.view();
            if (view.isLost()) {
                err.println("cutover: " + name + ": refused: " + view.lost() + ControlSession.RESTORE_WITH);
                return ExitCodes.FOUND;
            }
            dev.cutover.control.Phase phase = view.state().phase();
            if (phase.ordinal() < dev.cutover.control.Phase.NEW_PRIMARY.ordinal()) {
                err.println("cutover: " + name + ": refused: migration " + control.migration + " is in phase " + phase.wireName()
                        + "; the reverse stream follows the new database, which takes the writes from new_primary on"
                        + " (move them with cutover flip-writes --to new, or cutover phase new_primary)");
                return ExitCodes.FOUND;
            }
            return null;
        }
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
