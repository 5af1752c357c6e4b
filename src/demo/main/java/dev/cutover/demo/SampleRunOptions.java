package dev.cutover.demo;

import picocli.CommandLine.Option;

/**
 * The options {@code cutover demo} and {@code cutover demo-e2e} share: where the demo databases
 * are created, how many tenants the sample data has, and the sample application's request rate.
 */
final class SampleRunOptions {
    /** The machine's own server, as {@code scripts/services.sh} sets it up. */
    static final String LOCAL_SERVER = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    @Option(names = "--server", paramLabel = "URL", description = "JDBC URL of a PostgreSQL server's maintenance database: both demo databases are made there"
            + " (default $CUTOVER_DEMO_PG_URL; demo: else its own servers, demo-e2e: else " + LOCAL_SERVER + ")")
    String server = System.getenv("CUTOVER_DEMO_PG_URL");

    @Option(names = "--tenants", paramLabel = "T", description = "tenants (default ${DEFAULT-VALUE})")
    int tenants = DataGenerator.Options.DEFAULT_TENANTS;

    @Option(names = "--rate", paramLabel = "R", description = "requests per second of the sample application (default ${DEFAULT-VALUE})")
    double rate = 2000;

    /** {@code --server}, else the machine's own server. */
    String serverOrLocal() {
        return server == null || server.isBlank() ? LOCAL_SERVER : server;
    }
}
