package dev.cutover.demo;

import dev.cutover.local.PostgresProcess;
import dev.cutover.local.RedisProcess;
import dev.cutover.cli.ExitCodes;
import dev.cutover.cli.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import dev.cutover.pg.Db;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code cutover demo-e2e}: the end-to-end proof at full size on the demo databases and a private
 * Redis (scripts/e2e-full.sh runs it); {@code --sync}: the same with change capture and the write
 * flip instead of the router. Exit 0 when the application saw no failed request, verify
 * finds no difference and every acknowledged write is in the new database; 1 otherwise.
 */
@Command(name = "demo-e2e", mixinStandardHelpOptions = true,
        description = "Walk the whole sample migration under load with faults, and prove nothing was lost (recreates the demo databases).")
public final class DemoE2eCommand implements Callable<Integer> {
    @Mixin
    SampleRunOptions sample;

    @Option(names = "--orders", paramLabel = "N", description = "orders in the sample data (default ${DEFAULT-VALUE})")
    long orders = DataGenerator.Options.DEFAULT_ORDERS;

    @Option(names = "--dwell", paramLabel = "SECONDS", description = "time spent in each phase and traffic step (default ${DEFAULT-VALUE})")
    long dwell = 20;

    @Option(names = "--backfill-rows-per-sec", paramLabel = "N", description = "throttle of the first backfill run, the one killed (default ${DEFAULT-VALUE})")
    long backfillRate = 50_000;

    @Option(names = "--no-pause", description = "don't SIGSTOP the new database's backends (needs the same machine and permission to signal them)")
    boolean noPause;

    @Option(names = "--sync", description = "the proof with change capture instead of the router: the application writes the old database with plain"
            + " JDBC, cutover sync follows it, flip-writes moves its writes to the new database and back (needs wal_level=logical: on a server"
            + " without it, the proof runs on two servers of its own)")
    boolean sync;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (sample.rate <= 0 || dwell < 1) {
            throw new UserError("--rate must be positive and --dwell at least 1 second");
        }
        PrintWriter out = spec.commandLine().getOut();
        SampleProject project = SampleProject.locate();
        String server = sample.serverOrLocal();
        String why = sync ? whyNotLogical(server) : null;
        Path home = why == null ? null : Files.createTempDirectory("cutover-e2e-sync");
        try (DemoServers own = home == null ? null : DemoServers.start(home)) {
            DemoSetup setup;
            if (own != null) {
                out.println("demo-e2e: " + why + ": the proof runs on servers of its own (wal_level=logical): " + own.describe());
                setup = new DemoSetup(own.oldServerUrl(), own.newServerUrl(), out);
            } else {
                setup = new DemoSetup(server, out);
            }
            out.flush();
            setup.createDatabases(DemoDataCommand.options(orders, sample.tenants, DataGenerator.Options.DEFAULT_SEED));
            try (RedisProcess redis = RedisProcess.start()) {
                out.println("demo-e2e: private Redis at " + redis.url());
                EndToEnd.Config cfg = new EndToEnd.Config(setup.oldDb(), setup.newDb(), redis.url(), project.plan(), sample.rate,
                        Duration.ofSeconds(dwell), backfillRate, redis::restart, !noPause, sync);
                EndToEnd.Result r = new EndToEnd(cfg, out).run();
                return r.ok() ? ExitCodes.OK : ExitCodes.FOUND;
            }
        } finally {
            if (home != null) {
                DemoServers.reset(home);
            }
        }
    }

    /** Why change capture cannot run on the server of {@code url} (not reachable, or wal_level not logical); null when it can. */
    static String whyNotLogical(String url) {
        try (Connection c = new Db("PostgreSQL server", url).connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            String level = rs.getString(1);
            return "logical".equals(level) ? null : "the server at " + Db.redact(url) + " has wal_level=" + level;
        } catch (SQLException | RuntimeException e) {
            return "no server answers at " + Db.redact(url);
        }
    }
}
