package dev.cutover.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL database made for one test and dropped after it. The server is the one
 * scripts/services.sh brings up (or CUTOVER_TEST_PG_URL). Use in try-with-resources or
 * as a field closed in @AfterEach / @AfterAll.
 */
public final class TestDb implements AutoCloseable {
    private static final String ADMIN_URL = System.getenv().getOrDefault(
            "CUTOVER_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");

    private final String name;
    private final String url;

    private TestDb(String name) {
        this.name = name;
        this.url = urlFor(name);
    }

    /** Creates a fresh database; {@code extraCreateOptions} e.g. {@code "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"}. */
    public static TestDb create(String label, String extraCreateOptions) {
        String name = ("cutover_t_" + label + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + (extraCreateOptions == null ? "" : " " + extraCreateOptions));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on " + ADMIN_URL
                    + " (run scripts/services.sh): " + e.getMessage(), e);
        }
        return new TestDb(name);
    }

    public static TestDb create(String label) {
        return create(label, null);
    }

    /** The admin (maintenance database) URL of the test server. */
    public static String adminUrl() {
        return ADMIN_URL;
    }

    public String name() {
        return name;
    }

    /** JDBC URL of this database, in the form users give to --old / --new. */
    public String url() {
        return url;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /** Runs SQL (several statements allowed) in this database. */
    public TestDb exec(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed in " + name + ": " + e.getMessage() + "\n" + sql, e);
        }
        return this;
    }

    /** Terminates every other session connected to this database (a real killed connection). */
    public int killConnections() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '"
                     + name + "' AND pid <> pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try (Connection c = DriverManager.getConnection(ADMIN_URL); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private static String urlFor(String db) {
        int q = ADMIN_URL.indexOf('?');
        String base = q < 0 ? ADMIN_URL : ADMIN_URL.substring(0, q);
        String params = q < 0 ? "" : ADMIN_URL.substring(q);
        return base.substring(0, base.lastIndexOf('/') + 1) + db + params;
    }
}
