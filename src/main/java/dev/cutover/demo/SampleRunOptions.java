package dev.cutover.demo;

import picocli.CommandLine.Option;

/**
 * The options {@code cutover demo} and {@code cutover demo-e2e} share: where the demo databases
 * are created, how many tenants the sample data has, and the sample application's request rate.
 */
final class SampleRunOptions {
    @Option(names = "--server", paramLabel = "URL", description = "JDBC URL of the PostgreSQL server's maintenance database (default ${DEFAULT-VALUE})")
    String server = System.getenv().getOrDefault("CUTOVER_DEMO_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    @Option(names = "--tenants", paramLabel = "T", description = "tenants (default ${DEFAULT-VALUE})")
    int tenants = DataGenerator.Options.DEFAULT_TENANTS;

    @Option(names = "--rate", paramLabel = "R", description = "requests per second of the sample application (default ${DEFAULT-VALUE})")
    double rate = 2000;
}
