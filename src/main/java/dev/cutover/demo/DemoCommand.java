package dev.cutover.demo;

import dev.cutover.cli.ExitCodes;
import dev.cutover.cli.UserError;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.Callable;

/**
 * {@code cutover demo}: the sample project on local PostgreSQL and Redis, end to end. Creates
 * the two demo databases, loads the sample data, starts the sample application under load in
 * the background and opens the console on the sample plan with everything connected. With
 * {@code --no-console} it prints the live figures instead, until Ctrl-C.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Set up the saas-orders sample on local PostgreSQL and Redis, run it under load, and open the console on it.")
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    SampleRunOptions sample;

    @Option(names = "--redis", paramLabel = "URL", description = "Redis of the control state (default ${DEFAULT-VALUE})")
    String redis = System.getenv().getOrDefault("CUTOVER_DEMO_REDIS_URL", "redis://127.0.0.1:6379");

    @Option(names = "--orders", paramLabel = "N", description = "orders in the sample data (default ${DEFAULT-VALUE}; the full sample is 1000000)")
    long orders = 200_000;

    @Option(names = "--seed", paramLabel = "S", description = "random seed of the data (default ${DEFAULT-VALUE})")
    long seed = DataGenerator.Options.DEFAULT_SEED;

    @Option(names = "--no-console", description = "don't open the console: print the live figures until Ctrl-C")
    boolean noConsole;

    @Option(names = "--keep-data", description = "reuse the demo databases as they are (no drop, no reload)")
    boolean keepData;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (sample.rate <= 0) {
            throw new UserError("--rate must be positive (got " + sample.rate + ")");
        }
        PrintWriter out = spec.commandLine().getOut();
        SampleProject project = SampleProject.locate();
        Plan plan = PlanFile.read(project.plan());
        DemoSetup setup = new DemoSetup(sample.server, out);
        if (!keepData) {
            setup.createDatabases(DemoDataCommand.options(orders, sample.tenants, seed));
            long keys = DemoSetup.resetControlState(redis, plan.name());
            out.printf("demo: control state of migration %s reset in %s (%d keys removed): phase planning%n", plan.name(), redis, keys);
        }
        out.printf("demo: old  %s%ndemo: new  %s%ndemo: plan %s%n", setup.oldDb().safeUrl(), setup.newDb().safeUrl(), project.plan());
        out.flush();
        try (CtrlC ctrlC = new CtrlC("demo-stop");
             SampleRuntime rt = SampleRuntime.open(setup.oldDb(), setup.newDb(), redis, plan, SampleRuntime.Settings.forRate(sample.rate))) {
            rt.reportEverySecond(noConsole ? out : null);
            rt.load().start();
            out.printf("demo: the sample application is running at %.0f req/s%n", sample.rate);
            out.flush();
            if (noConsole) {
                out.println("demo: Ctrl-C stops");
                out.flush();
                ctrlC.await();
            } else {
                openConsole(project, setup, redis);
            }
            rt.load().close();
            LoadCommand.report(rt, out);
            out.flush();
            return ExitCodes.OK;
        }
    }

    /** Opens the console (loaded by name: the command line never needs JavaFX) and returns when it is closed. */
    private static void openConsole(SampleProject project, DemoSetup setup, String redis) {
        String[] args = {"--plan", project.plan().toString(), "--old", setup.oldDb().url(), "--new", setup.newDb().url(), "--redis", redis};
        try {
            Class.forName("dev.cutover.ui.ConsoleApp").getMethod("open", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw new UserError("the console failed: " + e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new UserError("cannot open the console (" + e + "); use --no-console");
        }
    }
}
