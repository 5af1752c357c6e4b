package dev.cutover.sql;

import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a table mapping plus both live table definitions into {@link Flow}s, the single source
 * of every SQL statement the engine runs for that table (and of the console's SQL preview).
 */
public final class MappingSql {
    private static final Set<String> COLLATABLE = Set.of("text", "character varying", "character", "citext", "name");
    /** Types whose modifier truncates silently in an explicit cast; they are cast without it. */
    private static final Set<String> CAST_WITHOUT_MODIFIER = Set.of("character varying", "character", "bit varying", "bit");

    private final TableMapping mapping;
    private final Schema.Table source;
    private final Schema.Table target;

    public MappingSql(TableMapping mapping, Schema.Table source, Schema.Table target) {
        this.mapping = mapping;
        this.source = source;
        this.target = target;
    }

    public TableMapping mapping() {
        return mapping;
    }

    /** Old → new through the plan's {@code columns}. */
    public Flow forward() {
        List<Flow.Projected> cols = new ArrayList<>();
        for (ColumnMapping c : mapping.columns()) {
            Schema.Column tc = column(target, c.target(), "target");
            cols.add(new Flow.Projected(c.target(), c.expr(), castFor(tc), tc.type(), bindCast(tc)));
        }
        return new Flow(Direction.FORWARD, mapping.source(), mapping.target(), cols, keyColumns(true));
    }

    /** New → old through the reverse mappings (explicit ones plus identities of plain column mappings). */
    public Flow reverse() {
        List<Flow.Projected> cols = new ArrayList<>();
        for (Map.Entry<String, String> e : mapping.effectiveReverse().entrySet()) {
            Schema.Column sc = column(source, e.getKey(), "source");
            cols.add(new Flow.Projected(e.getKey(), e.getValue(), castFor(sc), sc.type(), bindCast(sc)));
        }
        return new Flow(Direction.REVERSE, mapping.target(), mapping.source(), cols, keyColumns(false));
    }

    /** Column → full type of the from side of a direction (what verification uses to skip no-op casts). */
    public java.util.Map<String, String> fromTypes(Direction d) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        (d == Direction.FORWARD ? source : target).columns().forEach(c -> out.put(c.name(), c.type()));
        return out;
    }

    public Flow flow(Direction d) {
        return d == Direction.FORWARD ? forward() : reverse();
    }

    private List<Flow.KeyColumn> keyColumns(boolean forward) {
        List<String> targetKey = mapping.targetKey();
        List<Flow.KeyColumn> out = new ArrayList<>();
        for (int i = 0; i < mapping.key().size(); i++) {
            Schema.Column s = column(source, mapping.key().get(i), "source");
            Schema.Column t = column(target, targetKey.get(i), "target");
            boolean collatable = COLLATABLE.contains(s.baseType()) || COLLATABLE.contains(t.baseType());
            out.add(forward
                    ? new Flow.KeyColumn(s.name(), t.name(), bindCast(s), bindCast(t), collatable)
                    : new Flow.KeyColumn(t.name(), s.name(), bindCast(t), bindCast(s), collatable));
        }
        return out;
    }

    /**
     * The cast that gives an expression the column's type on the other database: the type itself
     * for built-in types (without length modifiers, which would truncate silently — the target's
     * assignment then rejects a too-long value instead), {@code text} for types that exist only on
     * that side (enums, domains), whose input function the receiving database applies.
     */
    public static String castFor(Schema.Column c) {
        if (!c.builtin()) {
            return "text";
        }
        if (c.baseType().equals("character")) {
            return "bpchar"; // a bare "character" is character(1): the cast would cut the value to one letter
        }
        return CAST_WITHOUT_MODIFIER.contains(c.baseType()) ? c.baseType() : c.type();
    }

    /** The cast for a value bound on the column's own database: its type, without truncating modifiers. */
    static String bindCast(Schema.Column c) {
        if (c.baseType().equals("character")) {
            return "bpchar"; // as above: "?::character" would keep one letter of the bound value
        }
        return CAST_WITHOUT_MODIFIER.contains(c.baseType()) ? c.baseType() : c.type();
    }

    private static Schema.Column column(Schema.Table t, String name, String side) {
        return t.column(name).orElseThrow(() -> new IllegalArgumentException(
                side + " table " + t.ref() + " has no column " + SqlNames.quote(name)));
    }
}
