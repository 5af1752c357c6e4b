package dev.cutover.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.io.Json;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;
import dev.cutover.sync.PlanRelations;
import dev.cutover.sync.Relations;
import dev.cutover.sync.RowSync;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * Re-syncs one row by key from the side that is the truth, through the plan's mapping: the
 * router's side of {@link RowSync} (queue key JSON, the per-table {@link Flow}, the application's
 * pools with the engine's settings applied per transaction). RowSync reads the mapped row on the truth side
 * (locked {@code FOR SHARE} until the copy is committed, so a concurrent write cannot be
 * overtaken by an older copy), then upserts it on the other side, or deletes the key there if the
 * truth no longer has it. Re-syncing the same key twice is harmless.
 */
final class KeyResync {
    private static final ObjectMapper JSON = Json.MAPPER;
    /** The engine's session settings for one transaction only (the pools belong to the application). */
    private static final String LOCAL_SETTINGS = "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; "
            + "SET LOCAL IntervalStyle = 'postgres'; SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'";

    private final Plan plan;
    private final DataSource oldDs;
    private final DataSource newDs;
    private final Map<String, MappingSql> mappings = new ConcurrentHashMap<>();
    private final Map<String, Known> byName = new ConcurrentHashMap<>();

    /**
     * A plan table looked up by a name a write uses, with its target key names worked out once:
     * {@link TableMapping#targetKey} parses the column expressions on every call (about 30 µs,
     * measured on the dual-write caller's path before it was cached here).
     */
    private record Known(TableMapping mapping, List<String> targetKey) {
    }

    KeyResync(Plan plan, DataSource oldDs, DataSource newDs) {
        this.plan = plan;
        this.oldDs = oldDs;
        this.newDs = newDs;
    }

    /** The plan's mapping of a table (target or source name), or a one-line error. */
    TableMapping mapping(String table) {
        return known(table).mapping();
    }

    private Known known(String table) {
        Known k = byName.get(table);
        if (k == null) {
            TableMapping m = plan.table(table).orElseThrow(() -> new IllegalStateException(
                    "table " + table + " is not in plan " + plan.name()));
            k = new Known(m, List.copyOf(m.targetKey()));
            byName.put(table, k);
        }
        return k;
    }

    /**
     * The key values of a written row in the plan's key order, from the row a statement returned
     * (source key names on the old side, target names on the new side); null when it lacks one.
     */
    List<Object> keyOfRow(String table, Map<String, Object> row, boolean newSide) {
        Known t = known(table);
        List<String> names = newSide ? t.targetKey() : t.mapping().key();
        List<Object> values = new ArrayList<>(names.size());
        for (String n : names) {
            if (!row.containsKey(n)) {
                return null;
            }
            values.add(row.get(n));
        }
        return values;
    }

    /** The target key column names of a table, in the plan's key order. */
    List<String> targetKey(String table) {
        return known(table).targetKey();
    }

    /** Refuses key values that do not fit the table's key (a declaration error of the write). */
    void checkKey(String table, List<Object> values) {
        Known t = known(table);
        TableMapping m = t.mapping();
        List<String> names = t.targetKey();
        if (values.size() != names.size()) {
            throw new IllegalStateException("table " + m.target() + " has a key of " + names.size() + " column(s) "
                    + names + ", got " + values.size() + " value(s)");
        }
    }

    /**
     * A hash of key values that is equal whenever their {@link #keyJson} is (integers by value
     * whatever their type, other values by their text): two writes of one row get one lane.
     */
    static int keyHash(List<Object> values) {
        int h = 1;
        for (Object v : values) {
            int x;
            if (v == null) {
                x = 0;
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
                x = Long.hashCode(((Number) v).longValue());
            } else {
                x = v.toString().hashCode();
            }
            h = 31 * h + x;
        }
        return h;
    }

    /** The queue's JSON object of target key columns from key values in the plan's key order. */
    String keyJson(String table, List<Object> values) {
        Known t = known(table);
        return keyJson(t.mapping(), t.targetKey(), values);
    }

    private static String keyJson(TableMapping m, List<String> names, List<Object> values) {
        if (values.size() != names.size()) {
            throw new IllegalStateException("table " + m.target() + " has a key of " + names.size() + " column(s) "
                    + names + ", got " + values.size() + " value(s)");
        }
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < names.size(); i++) {
            Object v = values.get(i);
            if (v == null) {
                o.putNull(names.get(i));
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short) {
                o.put(names.get(i), ((Number) v).longValue());
            } else if (v instanceof BigDecimal d) {
                o.put(names.get(i), d);
            } else {
                o.put(names.get(i), v.toString());
            }
        }
        return o.toString();
    }

    /**
     * Re-syncs the row with this key (queue JSON) of this table from the truth side of {@code d},
     * through {@link RowSync} with the engine's settings applied per transaction. A database
     * failure surfaces as its {@link SQLException}, so callers can tell a transient one.
     */
    void resync(String table, String keyJson, Direction d) throws SQLException {
        resync(table, List.of(keyValues(table, keyJson, d)), d);
    }

    /**
     * The key values (as {@link #resync(String, List, Direction)} takes them) of a queue entry's key
     * JSON; an {@link IllegalArgumentException} for a malformed key, an {@link IllegalStateException}
     * for a table that is not in the plan or not in a database.
     */
    List<String> keyValues(String table, String keyJson, Direction d) throws SQLException {
        return keyValues(mappingSql(table).flow(d), keyJson);
    }

    /** The key of one, or the number of several, for messages. */
    static String describe(List<List<String>> keys) {
        return keys.size() == 1 ? keys.get(0).toString() : keys.size() + " keys";
    }

    /** Re-syncs these rows (key values from {@link #keyValues(String, String, Direction)}) of one table, in batches. */
    void resync(String table, List<List<String>> keys, Direction d) throws SQLException {
        Flow flow = mappingSql(table).flow(d);
        DataSource truth = d == Direction.FORWARD ? oldDs : newDs;
        DataSource follower = d == Direction.FORWARD ? newDs : oldDs;
        try (Connection t = truth.getConnection(); Connection f = follower.getConnection()) {
            new RowSync(flow, LOCAL_SETTINGS, schemas().relations(d)).sync(t, f, keys.stream().distinct().toList());
        } catch (DbException e) {
            if (e.getCause() instanceof SQLException s) {
                throw s.getNextException() != null ? s.getNextException() : s;
            }
            throw e;
        } catch (AssertionError e) {
            // pgjdbc before 42.7.13, run with -ea: executeBatch on a connection killed mid-batch throws
            // this instead of an SQLException (pgjdbc #1458, fixed by PR #4187). It is a lost connection.
            throw new SQLException("connection lost during the re-sync of " + table + " " + describe(keys) + " (" + e.getMessage() + ")",
                    "08006", e);
        }
    }

    private MappingSql mappingSql(String table) throws SQLException {
        TableMapping m = mapping(table);
        String name = m.target().table();
        MappingSql ms = mappings.get(name);
        if (ms != null) {
            return ms;
        }
        Schemas both = schemas();
        if (both.old().table(m.source()).isEmpty() || both.neu().table(m.target()).isEmpty()) {
            schemas = null; // read when the table was not there yet: read the catalogs again, once
            both = schemas();
        }
        Schema.Table source = both.old().table(m.source()).orElseThrow(() -> new IllegalStateException(
                "old database has no table " + m.source() + " (plan " + plan.name() + ")"));
        Schema.Table target = both.neu().table(m.target()).orElseThrow(() -> new IllegalStateException(
                "new database has no table " + m.target() + " (plan " + plan.name() + ")"));
        ms = new MappingSql(m, source, target);
        mappings.put(name, ms);
        return ms;
    }

    /** Both catalogs, read once on first use (the plan's tables, their keys, the foreign keys around them). */
    private record Schemas(Schema old, Schema neu, Relations forward, Relations reverse) {
        Relations relations(Direction d) {
            return d == Direction.FORWARD ? forward : reverse;
        }
    }

    private volatile Schemas schemas;

    private Schemas schemas() throws SQLException {
        Schemas s = schemas;
        if (s == null) {
            synchronized (this) {
                s = schemas;
                if (s == null) {
                    Schema o;
                    Schema n;
                    try (Connection c = oldDs.getConnection()) {
                        o = SchemaReader.read(c);
                    }
                    try (Connection c = newDs.getConnection()) {
                        n = SchemaReader.read(c);
                    }
                    s = new Schemas(o, n, new PlanRelations(plan, o, n, Direction.FORWARD), new PlanRelations(plan, o, n, Direction.REVERSE));
                    schemas = s;
                }
            }
        }
        return s;
    }

    /** Key values as text in the flow's key order; the queue names them by target column. */
    private static List<String> keyValues(Flow flow, String keyJson) {
        JsonNode o;
        try {
            o = JSON.readTree(keyJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad key JSON '" + keyJson + "': " + e.getOriginalMessage(), e);
        }
        List<String> out = new ArrayList<>();
        for (Flow.KeyColumn k : flow.key()) {
            String targetName = flow.direction() == Direction.FORWARD ? k.toColumn() : k.fromColumn();
            JsonNode v = o.get(targetName);
            if (v == null) {
                throw new IllegalArgumentException("key " + keyJson + " has no column " + targetName);
            }
            out.add(v.isNull() ? null : v.asText());
        }
        return out;
    }
}
