package dev.cutover.pg;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.cutover.io.Secrets;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Opens connections to one database given by a JDBC URL ({@code jdbc:postgresql://host:port/db?user=…}).
 * The password comes from the URL, else {@code PGPASSWORD}, else {@code ~/.pgpass} (pgjdbc reads it).
 * Every connection gets the session settings the engine relies on: UTC, ISO dates, exact floats.
 */
public final class Db {
    /** Settings that make text forms of values the same on both databases. */
    public static final String SESSION_SETTINGS = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; "
            + "SET IntervalStyle = 'postgres'; SET extra_float_digits = 1; SET bytea_output = 'hex'; "
            + "SET statement_timeout = 0";

    /**
     * Set on every session of {@link #connect()} (Cutover's own: sync's apply, repair, the checks),
     * not on {@link #pool} connections (the application's router, the sample app): the write block
     * of a write flip (capture.WriteBlock) lets these sessions through.
     */
    public static final String APPLY_SETTING = "cutover.apply";

    /** Startup options of {@link #connectReadOnly()}. */
    static final String READ_ONLY_OPTIONS = "-c default_transaction_read_only=on -c standard_conforming_strings=on";

    private final String role;
    private final String url;

    /** {@code role} names the database in messages: "old database", "new database". */
    public Db(String role, String url) {
        if (url == null || url.isBlank()) {
            throw new DbException("no URL given for the " + role + " (use --old/--new or CUTOVER_OLD_URL/CUTOVER_NEW_URL)");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new DbException("the " + role + " URL must start with jdbc:postgresql:// (got " + redact(url) + ")");
        }
        this.role = role;
        this.url = url;
    }

    public String role() {
        return role;
    }

    public String url() {
        return url;
    }

    /** The URL without its password, safe for messages and logs. */
    public String safeUrl() {
        return redact(url);
    }

    public Connection connect() {
        return open(false);
    }

    /**
     * A connection that is read-only at the session level, for the plan check, its dry run and the
     * console's expression preview: {@code default_transaction_read_only} is set by the startup
     * packet (pgjdbc's {@code options}), so every transaction on it is read-only unless a statement
     * says otherwise, and the callers run every probe in an explicit {@code READ ONLY} transaction
     * that they roll back, which also undoes any {@code set_config} an expression made.
     */
    public Connection connectReadOnly() {
        return open(true);
    }

    /**
     * A logical replication connection ({@code replication=database}, simple query mode, as
     * pgjdbc's replication API needs) for change capture; it gets no session settings (a
     * walsender runs only replication commands and simple queries).
     */
    public Connection connectReplication() {
        try {
            Properties p = properties();
            org.postgresql.PGProperty.REPLICATION.set(p, "database");
            org.postgresql.PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
            org.postgresql.PGProperty.PREFER_QUERY_MODE.set(p, "simple");
            return DriverManager.getConnection(url, p);
        } catch (SQLException e) {
            throw new DbException("cannot open a replication connection to the " + role + " at " + safeUrl() + ": "
                    + Secrets.maskText(Sql.message(e), url), e);
        }
    }

    private Connection open(boolean readOnly) {
        try {
            Properties p = properties();
            if (readOnly) {
                String given = p.getProperty("options", "");
                p.setProperty("options", (given.isEmpty() ? "" : given + " ") + READ_ONLY_OPTIONS);
            }
            Connection c = DriverManager.getConnection(url, p);
            applySessionSettings(c);
            if (!readOnly) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET " + APPLY_SETTING + " = 'on'");
                }
            }
            if (readOnly) {
                try (Statement s = c.createStatement()) {
                    // also when the URL's own options= replaced the startup options above
                    s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                }
            }
            return c;
        } catch (SQLException e) {
            throw new DbException("cannot connect to the " + role + " at " + safeUrl() + ": " + Secrets.maskText(Sql.message(e), url), e);
        }
    }

    /** A pool for concurrent work (backfill and verify workers, the router). */
    public HikariDataSource pool(String name, int size) {
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName(name);
        cfg.setJdbcUrl(url);
        cfg.setDataSourceProperties(properties());
        cfg.setMaximumPoolSize(size);
        cfg.setMinimumIdle(Math.min(2, size));
        cfg.setConnectionTimeout(10_000);
        cfg.setConnectionInitSql(SESSION_SETTINGS);
        cfg.setInitializationFailTimeout(-1);
        try {
            return new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            // HikariCP's "Failed to get driver instance for jdbcUrl=…" quotes the URL whole
            throw new DbException("cannot open a pool for the " + role + " at " + safeUrl() + ": " + Sql.oneLine(e));
        }
    }

    public static void applySessionSettings(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(SESSION_SETTINGS);
        }
    }

    private Properties properties() {
        Properties p = new Properties();
        String pw = System.getenv("PGPASSWORD");
        if (pw != null && !PASSWORD_PARAM.matcher(url).find()) {
            p.setProperty("password", pw);
        }
        p.setProperty("ApplicationName", "cutover");
        // pgjdbc's exception messages then carry neither the server's DETAIL (which quotes rows:
        // "Failing row contains (…)") nor a failed batch's statement with its parameter values
        p.setProperty("logServerErrorDetail", "false");
        return p;
    }

    /** The login password parameter ({@code password=}, not {@code sslpassword=}, the key file's). */
    private static final java.util.regex.Pattern PASSWORD_PARAM = java.util.regex.Pattern.compile("(?i)[?&;]password=");

    /**
     * The URL with every password masked ({@code user:***@} of a {@code postgresql://} URL,
     * {@code password=***}, {@code sslpassword=***}), also for a URL that does not parse.
     */
    public static String redact(String url) {
        return Secrets.maskUrl(url);
    }
}
