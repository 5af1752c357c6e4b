package dev.cutover.demo;

import dev.cutover.control.ControlKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.DbUrl;
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

    private final Db oldDb;
    private final Db newDb;
    private final PrintWriter out;

    /**
     * The demo databases {@value #OLD_DB} and {@value #NEW_DB} on one server; {@code serverUrl}: a
     * JDBC URL of the server's maintenance database ({@code …/postgres?user=postgres}).
     */
    public DemoSetup(String serverUrl, PrintWriter out) {
        this(serverUrl, serverUrl, out);
    }

    /** {@value #OLD_DB} on the server of {@code oldServerUrl}, {@value #NEW_DB} on that of {@code newServerUrl}. */
    public DemoSetup(String oldServerUrl, String newServerUrl, PrintWriter out) {
        this(new Db("old database", withDatabase(oldServerUrl, OLD_DB)), new Db("new database", withDatabase(newServerUrl, NEW_DB)), out);
    }

    /**
     * The databases named by the URLs ({@code --old}/{@code --new}); they are dropped and made again
     * by {@link #createDatabases}, so their names must start with {@code cutover_demo}: a mistyped URL
     * must not drop someone's database.
     */
    public static DemoSetup ofDatabases(String oldUrl, String newUrl, PrintWriter out) {
        for (String url : new String[] {oldUrl, newUrl}) {
            String db = databaseOf(url);
            if (!db.startsWith("cutover_demo")) {
                throw new DbException("the demo drops and recreates the databases it is given, so their names must start with"
                        + " cutover_demo (got " + db + " in " + Db.redact(url) + "); with --keep-data it uses them as they are");
            }
        }
        return new DemoSetup(new Db("old database", oldUrl), new Db("new database", newUrl), out);
    }

    /** The databases named by the URLs, used as they are ({@code --keep-data}). */
    public static DemoSetup existing(String oldUrl, String newUrl, PrintWriter out) {
        return new DemoSetup(new Db("old database", oldUrl), new Db("new database", newUrl), out);
    }

    private DemoSetup(Db oldDb, Db newDb, PrintWriter out) {
        this.oldDb = oldDb;
        this.newDb = newDb;
        this.out = out;
    }

    public Db oldDb() {
        return oldDb;
    }

    public Db newDb() {
        return newDb;
    }

    /** Drops and recreates both databases (saying so), loads the data and the new schema. */
    public GeneratedData createDatabases(DataGenerator.Options options) throws SQLException {
        for (Db db : new Db[] {oldDb, newDb}) {
            String name = databaseOf(db.url());
            Db server = new Db("PostgreSQL server", withDatabase(db.url(), "postgres"));
            try (Connection c = server.connect(); Statement s = c.createStatement()) {
                out.printf("demo: dropping and recreating the database %s (demo data only)%n", name);
                out.flush();
                s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + quote(name));
            } catch (SQLException e) {
                throw new DbException("cannot create the demo database " + name + " on " + server.safeUrl() + ": " + Sql.message(e), e);
            }
        }
        SampleProject project = SampleProject.locate();
        GeneratedData data = DemoDataCommand.load(oldDb, options, out);
        try (Connection c = newDb.connect(); Statement s = c.createStatement()) {
            s.execute(SampleProject.read(project.newSchema()));
        } catch (SQLException e) {
            throw new DbException("cannot create the new schema in " + databaseOf(newDb.url()) + ": " + Sql.message(e), e);
        }
        out.printf("demo: %s has the legacy data, %s the new schema (empty)%n", databaseOf(oldDb.url()), databaseOf(newDb.url()));
        out.flush();
        return data;
    }

    /**
     * {@link #createDatabases}, for servers that are the demo's own ({@link DemoServers}): the
     * freshly loaded databases are kept as templates ({@code cutover_demo_old_seed},
     * {@code cutover_demo_new_seed}, never connected to), and a later run with the same sample
     * (orders, tenants, seed, schemas, version) makes the demo databases as copies of them, which
     * takes seconds instead of generating and loading the data again.
     */
    public void createDatabasesFromSeed(DataGenerator.Options options) throws SQLException {
        String key = seedKey(options);
        if (seedMatches(oldDb, key) && seedMatches(newDb, key)) {
            long t0 = System.nanoTime();
            for (Db db : new Db[] {oldDb, newDb}) {
                String name = databaseOf(db.url());
                onServer(db, "copying the database " + name, s -> {
                    s.execute("DROP DATABASE IF EXISTS " + quote(name) + " WITH (FORCE)");
                    s.execute("CREATE DATABASE " + quote(name) + " TEMPLATE " + quote(name + SEED) + strategy(s));
                });
            }
            out.printf("demo: %s and %s made again from the sample saved on the first run (%,d orders, %d tenants) in %.1f s%n",
                    databaseOf(oldDb.url()), databaseOf(newDb.url()), options.orders(), options.tenants(), (System.nanoTime() - t0) / 1e9);
            out.flush();
            return;
        }
        createDatabases(options);
        for (Db db : new Db[] {oldDb, newDb}) {
            String name = databaseOf(db.url());
            onServer(db, "saving the sample as " + name + SEED, s -> {
                s.execute("DROP DATABASE IF EXISTS " + quote(name + SEED) + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + quote(name + SEED) + " TEMPLATE " + quote(name) + strategy(s));
                s.execute("COMMENT ON DATABASE " + quote(name + SEED) + " IS '" + key.replace("'", "''") + "'");
            });
        }
    }

    private static final String SEED = "_seed";

    @FunctionalInterface
    private interface ServerWork {
        void run(Statement s) throws SQLException;
    }

    private static void onServer(Db db, String what, ServerWork work) {
        Db server = new Db("PostgreSQL server", withDatabase(db.url(), "postgres"));
        try (Connection c = server.connect(); Statement s = c.createStatement()) {
            work.run(s);
        } catch (SQLException e) {
            throw new DbException(what + " on " + server.safeUrl() + " failed: " + Sql.message(e), e);
        }
    }

    /** FILE_COPY (PostgreSQL 15+): a copy of the files and one checkpoint, faster than the WAL-logged copy for a database of this size. */
    private static String strategy(Statement s) throws SQLException {
        return s.getConnection().getMetaData().getDatabaseMajorVersion() >= 15 ? " STRATEGY = FILE_COPY" : "";
    }

    private static boolean seedMatches(Db db, String key) {
        String[] found = {null};
        onServer(db, "looking for the saved sample", s -> {
            try (var rs = s.executeQuery("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '"
                    + (databaseOf(db.url()) + SEED).replace("'", "''") + "'")) {
                if (rs.next()) {
                    found[0] = rs.getString(1);
                }
            }
        });
        return key.equals(found[0]);
    }

    /** What the saved sample was made from: the generator's options, the two schema files, this version. */
    static String seedKey(DataGenerator.Options options) {
        SampleProject project = SampleProject.locate();
        String schemas = SampleProject.read(project.oldSchema()) + "\n" + SampleProject.read(project.newSchema());
        return "cutover demo sample: orders=" + options.orders() + " tenants=" + options.tenants() + " seed=" + options.seed()
                + " schemas=" + Integer.toHexString(schemas.hashCode()) + " version=" + dev.cutover.cli.Version.get();
    }

    private static String quote(String name) {
        return dev.cutover.plan.SqlNames.quote(name);
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

    /** The database a JDBC URL names. */
    static String databaseOf(String url) {
        return DbUrl.database(url);
    }

    /** The same URL (server, parameters) naming another database; the URL must name one. */
    static String withDatabase(String url, String db) {
        DbUrl.database(url);
        return DbUrl.withDatabase(url, db);
    }
}
