package dev.cutover.demo;

import dev.cutover.cli.Connections;
import dev.cutover.cli.ExitCodes;
import dev.cutover.cli.UserError;
import dev.cutover.pg.Db;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** {@code cutover demo-data}: creates the sample's legacy schema in an empty old database and loads generated data into it. */
@Command(name = "demo-data", mixinStandardHelpOptions = true,
        description = "Load the saas-orders sample data (legacy schema) into an empty old database.")
public final class DemoDataCommand implements Callable<Integer> {
    @Mixin
    Connections connections;

    @Option(names = "--orders", paramLabel = "N", description = "number of orders (default ${DEFAULT-VALUE}); users: one per five orders")
    long orders = DataGenerator.Options.DEFAULT_ORDERS;

    @Option(names = "--tenants", paramLabel = "T", description = "number of tenants (default ${DEFAULT-VALUE})")
    int tenants = DataGenerator.Options.DEFAULT_TENANTS;

    @Option(names = "--seed", paramLabel = "S", description = "random seed; the same seed gives the same rows (default ${DEFAULT-VALUE})")
    long seed = DataGenerator.Options.DEFAULT_SEED;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws SQLException {
        DataGenerator.Options options = options(orders, tenants, seed);
        PrintWriter out = spec.commandLine().getOut();
        Db old = connections.oldDb();
        GeneratedData data = load(old, options, out);
        out.print(data.summary());
        out.flush();
        return ExitCodes.OK;
    }

    static DataGenerator.Options options(long orders, int tenants, long seed) {
        try {
            return new DataGenerator.Options(orders, tenants, seed);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
    }

    /** Loads the sample into {@code old}, printing progress; shared with {@code cutover demo}. */
    static GeneratedData load(Db old, DataGenerator.Options options, PrintWriter out) throws SQLException {
        SampleProject project = SampleProject.locate();
        long total = options.users() + options.orders();
        long started = System.nanoTime();
        try (Connection c = old.connect()) {
            out.printf("loading %,d users and %,d orders into the %s (%s)%n", options.users(), options.orders(), old.role(), old.safeUrl());
            out.flush();
            GeneratedData data = new DataGenerator(options).load(c, SampleProject.read(project.oldSchema()), n -> {
                out.printf("  %,d / %,d rows%n", n, total);
                out.flush();
            });
            out.printf("loaded in %.1f s%n", (System.nanoTime() - started) / 1e9);
            return data;
        }
    }
}
