package dev.cutover.demo;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Puts the sample project on a PostgreSQL server and a Redis: (re)creates the two demo databases,
 * loads the legacy data into the old one and the new schema into the new one, and clears the
 * migration's control state so it starts in {@code planning}.
 */
public final class DemoSetup {
    public static final String OLD_DB = "cutover_demo_old";
    public static final String NEW_DB = "cutover_demo_new";

    private final String serverUrl;
    private final PrintWriter out;

    /** {@code serverUrl}: a JDBC URL of the server's maintenance database ({@code …/postgres?user=postgres}). */
    public DemoSetup(String serverUrl, PrintWriter out) {
        this.serverUrl = serverUrl;
        this.out = out;
    }

    public Db oldDb() {
        return new Db("old database", urlFor(OLD_DB));
    }

    public Db newDb() {
        return new Db("new database", urlFor(NEW_DB));
    }

    /** Drops and recreates both databases (saying so), loads the data and the new schema. */
    public GeneratedData createDatabases(DataGenerator.Options options) throws SQLException {
        Db server = new Db("PostgreSQL server", serverUrl);
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            for (String db : new String[] {OLD_DB, NEW_DB}) {
                out.printf("demo: dropping and recreating the database %s (demo data only)%n", db);
                out.flush();
                s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + db);
            }
        } catch (SQLException e) {
            throw new DbException("cannot create the demo databases on " + server.safeUrl() + ": " + Sql.message(e), e);
        }
        SampleProject project = SampleProject.locate();
        GeneratedData data = DemoDataCommand.load(oldDb(), options, out);
        try (Connection c = newDb().connect(); Statement s = c.createStatement()) {
            s.execute(SampleProject.read(project.newSchema()));
        } catch (SQLException e) {
            throw new DbException("cannot create the new schema in " + NEW_DB + ": " + Sql.message(e), e);
        }
        out.printf("demo: %s has the legacy data, %s the new schema (empty)%n", OLD_DB, NEW_DB);
        out.flush();
        return data;
    }

    /** Deletes every key of the migration, so it starts over in planning. Returns how many keys went. */
    public static long resetControlState(String redisUrl, String migration) {
        RedisURI uri = RedisURI.create(redisUrl);
        uri.setTimeout(Duration.ofSeconds(5));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            var redis = conn.sync();
            String pattern = new ControlKeys(migration).prefix().replace("[", "\\[").replace("]", "\\]") + "*";
            long deleted = 0;
            ScanCursor cursor = ScanCursor.INITIAL;
            do {
                KeyScanCursor<String> page = redis.scan(cursor, ScanArgs.Builder.matches(pattern).limit(500));
                if (!page.getKeys().isEmpty()) {
                    deleted += redis.del(page.getKeys().toArray(new String[0]));
                }
                cursor = page;
            } while (!cursor.isFinished());
            return deleted;
        } catch (RuntimeException e) {
            throw new DbException("cannot reach Redis at " + redisUrl + " to reset the demo's control state: " + e.getMessage(), e);
        } finally {
            client.shutdown();
        }
    }

    private String urlFor(String db) {
        int q = serverUrl.indexOf('?');
        String base = q < 0 ? serverUrl : serverUrl.substring(0, q);
        String params = q < 0 ? "" : serverUrl.substring(q);
        int slash = base.lastIndexOf('/');
        if (slash < "jdbc:postgresql://".length()) {
            throw new DbException("the server URL must name a database, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres (got "
                    + Db.redact(serverUrl) + ")");
        }
        return base.substring(0, slash + 1) + db + params;
    }
}
