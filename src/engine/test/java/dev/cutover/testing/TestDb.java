package dev.cutover.testing;

import dev.cutover.local.PostgresProcess;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL database made for one test and dropped after it. Use in try-with-resources or as a
 * field closed in @AfterEach / @AfterAll.
 *
 * <p>The databases live on throwaway servers the test JVM starts itself ({@link TestServers}):
 * {@link Server#OLD} (where {@link #create(String)} puts them) and, for tests about the two sides
 * of a migration, {@link Server#NEW}, a second server started only when a test asks for it. Each is
 * a cluster of its own under {@code target/test-pg/}, on a free port, with a generated password
 * (URLs carry it: {@code ?user=cutover&password=…}), {@code wal_level=logical}, stopped when the
 * JVM exits. {@code CUTOVER_TEST_PG_URL} (and {@code CUTOVER_TEST_PG_NEW_URL} for the new side;
 * without it both sides use the first) point the tests at servers of your own instead.
 */
public final class TestDb implements AutoCloseable {
    /** Which test server a database is on. */
    public enum Server { OLD, NEW }

    private final String name;
    private final Server server;
    private final String adminUrl;
    private final String url;

    private TestDb(String name, Server server, String adminUrl) {
        this.name = name;
        this.server = server;
        this.adminUrl = adminUrl;
        this.url = urlFor(adminUrl, name);
    }

    /** Creates a fresh database on {@code server}; {@code extraCreateOptions} e.g. {@code "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"}. */
    public static TestDb create(String label, Server server, String extraCreateOptions) {
        String name = ("cutover_t_" + label + "_" + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String admin = adminUrl(server);
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name + (extraCreateOptions == null ? "" : " " + extraCreateOptions));
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name + " on the " + server.name().toLowerCase(Locale.ROOT)
                    + " test server " + TestServers.describe(server) + ": " + e.getMessage(), e);
        }
        return new TestDb(name, server, admin);
    }

    /** Creates a fresh database on the old-side server; {@code extraCreateOptions} as in {@link #create(String, Server, String)}. */
    public static TestDb create(String label, String extraCreateOptions) {
        return create(label, Server.OLD, extraCreateOptions);
    }

    public static TestDb create(String label) {
        return create(label, Server.OLD, null);
    }

    public static TestDb create(String label, Server server) {
        return create(label, server, null);
    }

    /** A database on the old side's server (the same as {@link #create(String)}). */
    public static TestDb createOld(String label) {
        return create(label, Server.OLD, null);
    }

    /** A database on the new side's server: a second server, so a test about the two sides has them apart as in production. */
    public static TestDb createNew(String label) {
        return create(label, Server.NEW, null);
    }

    /**
     * A PostgreSQL server of the test's own, with the tests' settings and {@code settings} over them
     * (a test that needs a server setting the shared servers must not have); close it with
     * {@link PostgresProcess#stopAndDelete()}.
     */
    public static PostgresProcess startPrivateServer(java.util.Map<String, String> settings) {
        try {
            return TestServers.privatePostgres(settings);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start a private test PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** The admin (maintenance database, superuser) URL of the old-side test server. */
    public static String adminUrl() {
        return adminUrl(Server.OLD);
    }

    /** The admin (maintenance database, superuser) URL of a test server (started if need be). */
    public static String adminUrl(Server server) {
        return TestServers.pgAdminUrl(server);
    }

    public String name() {
        return name;
    }

    /** The server this database is on. */
    public Server server() {
        return server;
    }

    /** JDBC URL of this database, in the form users give to --old / --new (with the superuser and its password). */
    public String url() {
        return url;
    }

    /** The admin URL of the server this database is on. */
    public String serverAdminUrl() {
        return adminUrl;
    }

    /** JDBC URL of this database for another login role, e.g. a role a test made with {@code CREATE ROLE r LOGIN PASSWORD 'p'}. */
    public String urlAs(String user, String password) {
        String base = url.substring(0, url.indexOf('?'));
        return base + "?user=" + user + (password == null ? "" : "&password=" + password);
    }

    /** The server's host ({@code 127.0.0.1} for the servers the tests start). */
    public String host() {
        return java.net.URI.create(url.substring("jdbc:".length())).getHost();
    }

    /** The server's port. */
    public int port() {
        int p = java.net.URI.create(url.substring("jdbc:".length())).getPort();
        return p < 0 ? 5432 : p;
    }

    /** The superuser the URLs log in as. */
    public String user() {
        return param("user");
    }

    /** That user's password (null when the URL carries none). */
    public String password() {
        return param("password");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    /**
     * A transform that takes its time, for tests that must catch a run in flight: {@code
     * slow_pass(x, seconds)} returns x after sleeping. A plan may not call pg_sleep itself (the
     * expression check refuses it); a function of the database is what a reviewer of the plan reads.
     */
    public static final String SLOW_PASS = "CREATE OR REPLACE FUNCTION public.slow_pass(x anyelement, seconds float8) RETURNS anyelement "
            + "LANGUAGE sql VOLATILE AS $$ SELECT x FROM (SELECT pg_sleep(seconds)) AS s $$;";

    /** Runs SQL (several statements allowed) in this database. */
    public TestDb exec(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("test SQL failed in " + name + ": " + e.getMessage() + "\n" + sql, e);
        }
        return this;
    }

    /** The first column of the first row of a query, as text (null when no row). */
    public String query(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException("test query failed in " + name + ": " + e.getMessage() + "\n" + sql, e);
        }
    }

    /** The admin (maintenance database) URL of the server this database is on. */
    public String adminUrlOfItsServer() {
        return adminUrl;
    }

    /** Terminates every other session connected to this database (a real killed connection). */
    public int killConnections() {
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement();
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
        try (Connection c = DriverManager.getConnection(adminUrl); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot drop test database " + name + ": " + e.getMessage(), e);
        }
    }

    private String param(String key) {
        int q = url.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : url.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(key)) {
                return java.net.URLDecoder.decode(kv.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String urlFor(String adminUrl, String db) {
        return dev.cutover.pg.DbUrl.withDatabase(adminUrl, db);
    }
}
