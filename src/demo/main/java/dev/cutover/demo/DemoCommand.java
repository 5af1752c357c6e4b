package dev.cutover.demo;

import dev.cutover.app.SyncCleanup;
import dev.cutover.app.SyncRun;
import dev.cutover.capture.SyncStatus;
import dev.cutover.cli.ConsoleFrontEnd;
import dev.cutover.cli.CutoverCommand;
import dev.cutover.cli.ExitCodes;
import dev.cutover.cli.UserError;
import dev.cutover.io.PrivateFiles;
import dev.cutover.pg.Db;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cutover demo}: the sample project end to end. Creates the two demo databases, loads the
 * sample data, starts the sample application under load in the background and opens the console
 * on the sample plan with everything connected. With {@code --no-console} it prints the live
 * figures instead, until Ctrl-C.
 *
 * <p>With {@code --sync} the sample application runs without the router ({@link DirectSides}: plain JDBC on the
 * old database) and change capture follows it: the slot is made, the new database backfilled
 * ({@code cutover backfill --with-sync}, in this process), then {@code cutover sync} runs here
 * ({@link SyncRun}, its lag and health in Redis), so the console's Change capture screen shows the
 * stream running; at the end it is stopped and its slot dropped.
 *
 * <p>Without {@code --old/--new}, {@code --server} or {@code --redis} it runs on servers of its own
 * ({@link DemoServers}: two PostgreSQL, one Redis, in the user's data folder), started for the
 * demo and stopped when it ends; {@code --reset} deletes them.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Set up the saas-orders sample (on servers of its own unless told where), run it under load, and open the console on it.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    SampleRunOptions sample;

    @Option(names = "--old", paramLabel = "URL", description = "JDBC URL of the old database (its name must start with cutover_demo: it is dropped and made again)")
    String oldUrl;

    @Option(names = "--new", paramLabel = "URL", description = "JDBC URL of the new database (likewise)")
    String newUrl;

    @Option(names = "--redis", paramLabel = "URL", description = "Redis of the control state (default $CUTOVER_DEMO_REDIS_URL, else the demo's own)")
    String redis = System.getenv("CUTOVER_DEMO_REDIS_URL");

    @Option(names = "--orders", paramLabel = "N", description = "orders in the sample data (default ${DEFAULT-VALUE}; the full sample is 1000000)")
    long orders = 200_000;

    @Option(names = "--seed", paramLabel = "S", description = "random seed of the data (default ${DEFAULT-VALUE})")
    long seed = DataGenerator.Options.DEFAULT_SEED;

    @Option(names = "--no-console", description = "don't open the console: print the live figures until Ctrl-C")
    boolean noConsole;

    @Option(names = "--keep-data", description = "reuse the demo databases and control state as they are (no drop, no reload)")
    boolean keepData;

    @Option(names = "--sync", description = "the sample application without the router: it writes the old database with plain JDBC,"
            + " and change capture (cutover sync, run here after a backfill --with-sync) follows it into the new one; the console's"
            + " Change capture screen shows the stream (needs wal_level=logical: the demo's own servers have it)")
    boolean sync;

    @Option(names = "--reset", description = "stop and delete the demo's own servers and their data, then exit")
    boolean reset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintWriter out = spec.commandLine().getOut();
        Path home = DemoServers.defaultHome();
        if (reset) {
            boolean any = DemoServers.reset(home);
            out.println(any ? "demo: deleted its own servers and their data in " + home : "demo: nothing to delete (" + home + " does not exist)");
            out.flush();
            return ExitCodes.OK;
        }
        if (sample.rate <= 0) {
            throw new UserError("--rate must be positive (got " + sample.rate + ")");
        }
        if ((oldUrl == null) != (newUrl == null)) {
            throw new UserError("give both --old and --new, or neither (the demo then makes its own servers)");
        }
        if (oldUrl != null && sample.server != null) {
            throw new UserError("give either --server or --old/--new, not both");
        }
        if (!noConsole && blank(System.getenv("DISPLAY")) && blank(System.getenv("WAYLAND_DISPLAY"))) {
            // before anything is started or loaded
            throw new UserError("cannot open the console: no display (DISPLAY is not set): run it in a desktop session or over"
                    + " 'ssh -X', or use --no-console");
        }
        SampleProject project = SampleProject.locate();
        Plan plan = PlanFile.read(project.plan());
        boolean own = (oldUrl == null && sample.server == null) || redis == null;
        boolean firstRun = own && !DemoServers.exists(home);
        try (DemoServers servers = own ? DemoServers.start(home) : null) {
            if (servers != null) {
                servers.sayWhere(out, firstRun);
            }
            String redisUrl = redis != null ? redis : servers.redisUrl();
            String redisShown = redis != null ? redis : servers.redisSafeUrl();
            DemoSetup setup;
            if (oldUrl != null) {
                setup = keepData ? DemoSetup.existing(oldUrl, newUrl, out) : DemoSetup.ofDatabases(oldUrl, newUrl, out);
            } else if (sample.server != null) {
                setup = new DemoSetup(sample.server, out);
            } else {
                setup = new DemoSetup(servers.oldServerUrl(), servers.newServerUrl(), out);
            }
            if (!keepData) {
                dropLeftSlots(setup, plan, out); // a slot left by a killed 'demo --sync' would keep its database from being dropped
                DataGenerator.Options data = DemoDataCommand.options(orders, sample.tenants, seed);
                if (servers != null && oldUrl == null && sample.server == null) {
                    setup.createDatabasesFromSeed(data); // its own servers: a copy of the sample saved on the first run
                } else {
                    setup.createDatabases(data);
                }
                long keys = DemoSetup.resetControlState(redisUrl, plan.name());
                out.printf("demo: control state of migration %s reset in %s (%d keys removed): phase planning%n", plan.name(), redisShown, keys);
            }
            out.printf("demo: old  %s%ndemo: new  %s%ndemo: plan %s%n", setup.oldDb().safeUrl(), setup.newDb().safeUrl(), project.plan());
            out.flush();
            SyncRun follow = sync ? startSync(setup, plan, project, redisUrl, out) : null;
            WriteTargetFollower switchOnFlip = null;
            try (CtrlC ctrlC = new CtrlC("demo-stop", true);
                 SampleRuntime rt = sync
                         ? SampleRuntime.openDirect(setup.oldDb(), setup.newDb(), SampleRuntime.Settings.forRate(sample.rate), DIRECT_MAX_WAIT_MILLIS)
                         : SampleRuntime.open(setup.oldDb(), setup.newDb(), redisUrl, plan, routerFiles(home, sample.rate))) {
                rt.reportEverySecond(noConsole ? out : null);
                switchOnFlip = sync ? new WriteTargetFollower(redisUrl, plan.name(), rt.direct(), out) : null;
                rt.load().start();
                out.printf("demo: the sample application is running at %.0f req/s%s (ready %.1f s after the start)%n", sample.rate,
                        sync ? " on the old database with plain JDBC (no router); cutover sync follows it" : "",
                        (System.nanoTime() - started) / 1e9);
                out.flush();
                if (noConsole) {
                    out.println("demo: Ctrl-C stops");
                    out.flush();
                    ctrlC.await();
                } else {
                    openConsole(project, setup, redisUrl);
                }
                rt.load().close();
                LoadCommand.report(rt, out);
                out.flush();
            } finally {
                if (switchOnFlip != null) {
                    switchOnFlip.close();
                }
                if (follow != null) {
                    stopSync(follow, setup, plan, redisUrl, out);
                }
            }
            if (servers != null) {
                out.println("demo: stopping its servers");
                out.flush();
            }
            return ExitCodes.OK;
        }
    }

    /**
     * The sample router's last-seen state and spill files go with the demo's own data
     * ({@code <home>/router}, which {@code --reset} deletes), not in the temporary folder where the
     * router would put them by default and where they would outlive every run.
     */
    private static SampleRuntime.Settings routerFiles(Path home, double rate) throws IOException {
        SampleRuntime.Settings s = SampleRuntime.Settings.forRate(rate);
        return new SampleRuntime.Settings(s.rate(), s.threads(), s.poolSize(), PrivateFiles.createDirectories(home.resolve("router")));
    }

    /**
     * How long a write refused by the console flip's block waits for the switch ({@link WriteTargetFollower}): longer
     * than the flip's longest pause (its block's wait for writers in flight, then a catch-up of at most 30 s).
     */
    private static final long DIRECT_MAX_WAIT_MILLIS = 60_000;

    /**
     * The change capture of {@code --sync}: the slot first and a backfill after it ({@code backfill
     * --with-sync}, so the stream brings every write made during the copy), then {@code cutover sync}
     * on a thread here, publishing to Redis as the command does.
     */
    private SyncRun startSync(DemoSetup setup, Plan plan, SampleProject project, String redisUrl, PrintWriter out) {
        for (Db db : List.of(setup.oldDb(), setup.newDb())) {
            String why = DemoE2eCommand.whyNotLogical(db.url());
            if (why != null) {
                throw new UserError("demo --sync: " + why + ": change capture needs wal_level = logical (the demo's own servers have it)");
            }
        }
        out.println("demo: backfill --with-sync (the slot first, so sync brings every write made during the copy)");
        out.flush();
        String[] args = {"backfill", "--plan", project.plan().toString(), "--old", setup.oldDb().url(), "--new", setup.newDb().url(),
                "--redis", redisUrl, "--with-sync"};
        int rc = CutoverCommand.run(args, out, new PrintWriter(out, true));
        if (rc != ExitCodes.OK) {
            throw new UserError("demo --sync: the backfill ended with exit " + rc + " (see above)");
        }
        SyncRun run = new SyncRun(setup.oldDb(), setup.newDb(), plan, SyncRun.Settings.forward(redisUrl));
        out.println("demo: " + run.banner());
        out.flush();
        run.start(st -> {
            if (!SyncStatus.RUNNING.equals(st.state())) {
                out.println("demo: " + st.line());
                out.flush();
            }
        }, r -> {
            out.println("demo: " + SyncRun.summary(plan.name(), r));
            if (run.stoppedBy() != null) {
                out.println("demo: " + SyncRun.stoppedByLine(plan.name(), run.stoppedBy()));
            }
            out.flush();
        }, e -> {
            out.println("demo: cutover sync stopped: " + e.getMessage());
            out.flush();
        });
        return run;
    }

    /** Stops the demo's sync (the batch in hand applied first), then drops its slot: it would keep WAL on the server. */
    private static void stopSync(SyncRun run, DemoSetup setup, Plan plan, String redisUrl, PrintWriter out) {
        run.stop();
        try {
            if (!run.awaitEnd(30_000)) {
                out.println("demo: cutover sync did not stop within 30 s");
            }
            out.println("demo: " + SyncRun.drop(setup.oldDb(), plan, false, redisUrl).line(plan.name()));
            // a flip from the console leaves the reverse stream's slot on the new database once its stream stopped with the console
            for (String line : SyncCleanup.dropIdleSlots(setup.oldDb(), setup.newDb(), plan)) {
                if (line.contains(" dropped") && !line.contains("not dropped")) {
                    out.println("demo: " + line);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            out.println("demo: the sync slot was not dropped: " + e.getMessage() + "; drop it with 'cutover sync --drop'");
        }
        out.flush();
    }

    /** Drops sync slots an earlier demo left (killed before it could); quiet when there is none or the databases are not there yet. */
    private static void dropLeftSlots(DemoSetup setup, Plan plan, PrintWriter out) {
        for (String line : SyncCleanup.dropIdleSlots(setup.oldDb(), setup.newDb(), plan)) {
            if (line.contains(" dropped") && !line.contains("not dropped")) {
                out.println("demo: left by an earlier run: " + line);
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Opens the console (found with ServiceLoader: the command line never needs JavaFX) and returns when it is closed. */
    private static void openConsole(SampleProject project, DemoSetup setup, String redis) {
        String[] args = {"--plan", project.plan().toString(), "--old", setup.oldDb().url(), "--new", setup.newDb().url(), "--redis", redis};
        try {
            ConsoleFrontEnd.openOrExplain(args, false);
        } catch (UserError e) {
            throw new UserError(e.getMessage() + "; or use --no-console");
        }
    }
}
