package dev.cutover.sql;

import dev.cutover.plan.SqlNames;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The statements of verification, both sides of one {@link Flow}: per-chunk hashes computed
 * inside each database, and the rows of a small range (or of given keys) fetched for the
 * column-by-column comparison. The console's SQL preview shows {@link #preview()}.
 *
 * <p>Each side turns a row into the same list of <em>compare values</em>: the from side through
 * the flow's projections (already cast to the to column's type), the to side from its plain
 * columns. Where the two types' text forms could differ for equal data, both sides are brought
 * to one form: types that exist on one side only (enums, domains) and {@code character(n)}
 * compare as text (blank-padding is not data), {@code json} compares as {@code jsonb} (key order
 * and whitespace are not data).
 *
 * <p>A row's hash is 64 bits, in one of three ways ({@link Hash}; the two servers must agree,
 * {@link #probes()}). {@link Hash#RECORD}, where both run PostgreSQL 14 or later: the record hash
 * of {@code ROW(values…)} over the values' own binary forms, for the types whose binary equality
 * is exactly the equality of their text forms (integers, boolean, uuid, date, timestamps, text and
 * varchar under {@code COLLATE "C"}, bytea); every other value (numeric, floats, intervals, jsonb,
 * arrays…) goes in as its text, so that 1.0 and 1.00, or 0 and -0, still differ as they would in
 * text. Skipping the text output of the rest is what makes it about twice as fast as hashing the
 * row's text. The record hash combines its columns linearly, so it is hashed once more
 * ({@code hashint8extended}): otherwise two rows swapping one column's values would leave the
 * chunk's sum unchanged. {@link Hash#HASHTEXTEXTENDED} and {@link Hash#MD5} hash the text form of
 * {@code ROW(values…)}: a record's text form quotes any value containing a separator, a quote or
 * a space and writes NULL as nothing against {@code ""} for the empty string. Either way NULL,
 * '', 'NULL' and separator shifts all hash differently. A chunk's hash is {@code count(*)} and the
 * exact {@code numeric} sum of its rows' hashes (a sum, unlike XOR, does not cancel pairs).
 */
public final class VerifySql {
    /** How a row becomes a 64-bit integer; both sides must agree (see {@link #probes()}). */
    public enum Hash {
        /** {@code hash_record_extended} over binary values where that is exact, text elsewhere (PostgreSQL 14+). */
        RECORD,
        /** PostgreSQL's own {@code hashtextextended} (the function hash partitioning uses) of the row's text. */
        HASHTEXTEXTENDED,
        /** The first 64 bits of {@code md5}: slower, but the same on every server and platform. */
        MD5
    }

    private final Flow flow;
    private final Hash hash;
    private final Map<String, String> fromTypes;
    private final KeySql fromKeys;
    private final KeySql toKeys;

    public VerifySql(Flow flow, Hash hash) {
        this(flow, hash, Map.of());
    }

    /**
     * {@code fromTypes} (from column → full type, as in {@code Schema.Column.type()}) lets a
     * projection that is a bare column already of the to column's exact type go uncast: a cast to
     * a value's own type changes nothing, but a {@code numeric(p,s)} or {@code varchar(n)} cast
     * still costs a function call per row, on the hot path of every chunk hash.
     */
    public VerifySql(Flow flow, Hash hash, Map<String, String> fromTypes) {
        this.flow = flow;
        this.hash = hash;
        this.fromTypes = Map.copyOf(fromTypes);
        this.fromKeys = KeySql.fromSide(flow);
        this.toKeys = KeySql.toSide(flow);
    }

    public Flow flow() {
        return flow;
    }

    public Hash hash() {
        return hash;
    }

    public KeySql fromKeys() {
        return fromKeys;
    }

    public KeySql toKeys() {
        return toKeys;
    }

    /**
     * For each hash function that can differ between servers, best first, a probe both databases
     * evaluate: equal results (and no error) mean that function hashes the same on both. The
     * record probe holds a value of every type {@link Hash#RECORD} hashes in binary.
     */
    public static Map<Hash, String> probes() {
        String text = "'cutover probe: a|b, \"c\" \u00e9\u00df\u2713'";
        Map<Hash, String> out = new LinkedHashMap<>();
        out.put(Hash.RECORD, "SELECT hashint8extended(hash_record_extended(ROW(-9007199254740993::bigint, 40000::integer, "
                + "-3::smallint, 7::oid, true, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, '2024-02-29'::date, "
                + "'2024-03-01 12:00:00.123456'::timestamp, '2024-03-01 12:00:00+02'::timestamptz, '\\x00ff10'::bytea, "
                + text + "::text COLLATE \"C\", " + text + "::varchar COLLATE \"C\", NULL::text), 0), 0)::text");
        out.put(Hash.HASHTEXTEXTENDED, "SELECT hashtextextended(" + text + " COLLATE \"C\", 0)::text");
        return out;
    }

    /** The compare values of the from side, one per flow column. */
    public List<String> fromValues() {
        List<String> out = new ArrayList<>();
        for (Flow.Projected p : flow.columns()) {
            String e = "(" + p.expr() + ")";
            Optional<String> bare = SqlNames.referencedColumn(p.expr());
            if (bare.isPresent() && p.toType().equals(fromTypes.get(bare.get())) && form(p) == Form.AS_IS) {
                out.add("src." + SqlNames.quote(bare.get()));
                continue;
            }
            out.add(switch (form(p)) {
                case AS_TEXT -> "(" + e + (p.cast().equals("text") ? "" : "::" + p.cast()) + ")::text";
                case BLANK_PADDED -> "(" + e + "::bpchar)::text";
                case AS_JSONB -> "(" + e + "::jsonb)";
                case AS_IS -> p.cast().isEmpty() ? e : "(" + e + "::" + p.cast() + ")";
            });
        }
        return out;
    }

    /** The compare values of the to side, one per flow column. */
    public List<String> toValues() {
        List<String> out = new ArrayList<>();
        for (Flow.Projected p : flow.columns()) {
            String col = "src." + SqlNames.quote(p.toColumn());
            out.add(switch (form(p)) {
                case AS_TEXT, BLANK_PADDED -> "(" + col + ")::text";
                case AS_JSONB -> "(" + col + ")::jsonb";
                case AS_IS -> col;
            });
        }
        return out;
    }

    private enum Form { AS_IS, AS_TEXT, BLANK_PADDED, AS_JSONB }

    /** The to column's type without its modifiers: {@code numeric(14,2)} → {@code numeric}. */
    private static String baseType(Flow.Projected p) {
        return p.toType().replaceAll("\\(.*\\)", "").strip();
    }

    private static Form form(Flow.Projected p) {
        String base = baseType(p);
        if (base.equals("character") || base.equals("bpchar")) {
            return Form.BLANK_PADDED;
        }
        if (base.equals("json")) {
            return Form.AS_JSONB;
        }
        if (p.cast().equals("text") && !base.equals("text")) {
            return Form.AS_TEXT;
        }
        return Form.AS_IS;
    }

    /**
     * The 64-bit hash of one row's compare values. For {@link Hash#RECORD} the values must already
     * be in {@link #recordValues record form}.
     */
    public String rowHash(List<String> values) {
        String row = "ROW(" + String.join(", ", values) + ")";
        return switch (hash) {
            case RECORD -> "hashint8extended(hash_record_extended(" + row + ", 0), 0)";
            case HASHTEXTEXTENDED -> "hashtextextended(" + row + "::text COLLATE \"C\", 0)";
            case MD5 -> "('x' || left(md5(" + row + "::text COLLATE \"C\"), 16))::bit(64)::bigint";
        };
    }

    /**
     * {@code count(*)} and the hash sum (as text) of the from rows in a key range. Bind the lower
     * key values (if any), then the upper ones (if any).
     */
    public String fromChunkHash(boolean hasLower, boolean hasUpper) {
        return chunkHash(flow.fromTable(), rowHash(hashed(fromValues())), fromKeys.range(hasLower, hasUpper));
    }

    /** The same over the to side. */
    public String toChunkHash(boolean hasLower, boolean hasUpper) {
        return chunkHash(flow.toTable(), rowHash(hashed(toValues())), toKeys.range(hasLower, hasUpper));
    }

    private List<String> hashed(List<String> values) {
        return hash == Hash.RECORD ? recordValues(values) : values;
    }

    /** Base types (without their modifiers) whose binary equality is the equality of their text forms. */
    private static final Set<String> BINARY_EXACT = Set.of("smallint", "integer", "bigint", "oid", "boolean", "uuid", "date",
            "timestamp without time zone", "timestamp with time zone", "text", "character varying", "bytea");
    private static final Set<String> COLLATABLE = Set.of("text", "character varying");

    /**
     * Compare values (one per flow column, in order) as {@link Hash#RECORD} hashes them: as they
     * are where the to column's type is {@link #BINARY_EXACT binary-exact} (text under
     * {@code COLLATE "C"}, so that a case-insensitive collation does not hash 'a' as 'A'), as text
     * otherwise.
     */
    public List<String> recordValues(List<String> values) {
        List<Flow.Projected> cols = flow.columns();
        List<String> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            Flow.Projected p = cols.get(i);
            String base = baseType(p);
            if (form(p) != Form.AS_IS || !BINARY_EXACT.contains(base)) {
                out.add("(" + v + ")::text COLLATE \"C\"");
            } else if (COLLATABLE.contains(base)) {
                out.add(v + " COLLATE \"C\"");
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private static String chunkHash(String table, String rowHash, String where) {
        return OneStatement.of("SELECT count(*), coalesce(sum(h), 0)::text FROM (\n  SELECT " + rowHash + " AS h\n  FROM " + table
                + " AS src\n  WHERE " + where + "\n) AS chunk");
    }

    /**
     * The key {@code ?} rows into a key range of the from side (the split point of a differing
     * range), or none. Bind the range's bounds, then the offset.
     */
    public String fromSplit(boolean hasLower, boolean hasUpper) {
        return split(flow.fromTable(), fromKeys, hasLower, hasUpper);
    }

    public String toSplit(boolean hasLower, boolean hasUpper) {
        return split(flow.toTable(), toKeys, hasLower, hasUpper);
    }

    private static String split(String table, KeySql keys, boolean hasLower, boolean hasUpper) {
        return "SELECT " + keys.selectAsText() + " FROM " + table + " AS src WHERE " + keys.range(hasLower, hasUpper)
                + " ORDER BY " + keys.orderBy() + " OFFSET ? LIMIT 1";
    }

    /**
     * The rows of a key range on the from side, in key order: the key values as text (k), the key
     * values as JSON (k), then per column its compare value as text and as JSON. Bind as
     * {@link #fromChunkHash}.
     */
    public String fromRowsInRange(boolean hasLower, boolean hasUpper) {
        return rows(flow.fromTable(), fromKeys, fromValues(), keyColumns(true), fromKeys.range(hasLower, hasUpper));
    }

    public String toRowsInRange(boolean hasLower, boolean hasUpper) {
        return rows(flow.toTable(), toKeys, toValues(), keyColumns(false), toKeys.range(hasLower, hasUpper));
    }

    /** The rows of {@code n} keys on the from side (bind the key values as text), columns as {@link #fromRowsInRange}. */
    public String fromRowsByKeys(int n) {
        return rows(flow.fromTable(), fromKeys, fromValues(), keyColumns(true), flow.fromKeyIn(n));
    }

    public String toRowsByKeys(int n) {
        return rows(flow.toTable(), toKeys, toValues(), keyColumns(false), flow.toKeyIn(n));
    }

    private List<String> keyColumns(boolean fromSide) {
        return flow.key().stream().map(k -> "src." + SqlNames.quote(fromSide ? k.fromColumn() : k.toColumn())).toList();
    }

    private static String rows(String table, KeySql keys, List<String> values, List<String> keyCols, String where) {
        StringBuilder b = new StringBuilder("SELECT ").append(keys.selectAsText());
        for (String k : keyCols) {
            b.append(",\n  to_json(").append(k).append(")::text");
        }
        for (String v : values) {
            b.append(",\n  ").append(v).append("::text, to_json(").append(v).append(")::text");
        }
        return OneStatement.of(b.append("\nFROM ").append(table).append(" AS src\nWHERE ").append(where)
                .append("\nORDER BY ").append(keys.orderBy()).toString());
    }

    /**
     * Up to {@code ?} random keys of the from side (bind the sampling percentage, then the
     * limit), as text: a {@code TABLESAMPLE SYSTEM} page sample, shuffled.
     */
    public String fromSampleKeys() {
        return sampleKeys(flow.fromTable(), fromKeys);
    }

    public String toSampleKeys() {
        return sampleKeys(flow.toTable(), toKeys);
    }

    private static String sampleKeys(String table, KeySql keys) {
        return "SELECT " + keys.selectAsText() + " FROM " + table + " AS src TABLESAMPLE SYSTEM (?)"
                + " ORDER BY random() LIMIT ?";
    }

    /** Row count estimate of one side's table (planner statistics, for progress and sampling). */
    public static String rowEstimate() {
        return "SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ?::regclass";
    }

    /** The key columns of the to side by name, in key order. */
    public List<String> toKeyNames() {
        return flow.key().stream().map(Flow.KeyColumn::toColumn).collect(Collectors.toList());
    }

    /** Every statement of a verification of this flow, for the console's SQL preview. */
    public String preview() {
        return "-- chunk boundary (" + flow.from() + ")\n" + fromKeys.nextBoundary(true) + ";\n\n"
                + "-- chunk hash, " + flow.from() + " (after the mapping)\n" + fromChunkHash(true, true) + ";\n\n"
                + "-- chunk hash, " + flow.to() + "\n" + toChunkHash(true, true) + ";\n\n"
                + "-- rows of a differing chunk, " + flow.from() + "\n" + fromRowsInRange(true, true) + ";\n\n"
                + "-- rows of a differing chunk, " + flow.to() + "\n" + toRowsInRange(true, true) + ";\n";
    }
}
