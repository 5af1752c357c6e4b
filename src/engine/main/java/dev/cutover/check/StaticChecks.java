package dev.cutover.check;

import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Expressions;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checks of one table mapping against both live schemas that need no row: tables, columns,
 * keys, unmapped and dropped columns, NOT NULL columns without a source, expressions the database
 * cannot parse or cast, reverse mappings, load order of foreign keys. Without connections
 * ({@link #catalog}) the expression probes are left out: what the console shows as you type is
 * these same checks, so the quick findings and the plan check's never disagree.
 */
public final class StaticChecks {
    /** The outcome for one table: findings, whether a dry run makes sense, and the type of each forward expression. */
    record Result(List<Finding> findings, boolean dryRunPossible, Map<String, String> exprTypes) {
    }

    private static final Set<String> CASTS_THAT_ROUND = Set.of("smallint", "integer", "bigint", "numeric");
    private static final Set<String> INEXACT_SOURCES = Set.of("float4", "float8", "numeric");

    private StaticChecks() {
    }

    /**
     * The checks of one table mapping that need only both catalogs (no connection, no row): the
     * console's checks as you type. The expressions are probed by the caller ({@link ExpressionProbe}).
     */
    public static List<Finding> catalog(Plan plan, TableMapping m, Schema oldSchema, Schema newSchema) {
        return check(plan, m, oldSchema, newSchema, null, null).findings();
    }

    /** {@link #check} with connections to probe the expressions on; null connections leave the probes out. */
    static Result check(Plan plan, TableMapping m, Schema oldSchema, Schema newSchema, Connection oldConn, Connection newConn) {
        List<Finding> out = new ArrayList<>();
        String table = m.target().toString();
        Schema.Table src = oldSchema.table(m.source()).orElse(null);
        Schema.Table tgt = newSchema.table(m.target()).orElse(null);
        if (src == null) {
            out.add(Finding.of(Severity.PROBLEM, "missing_table", table, "",
                    "source table " + m.source() + " does not exist in the old database" + suggest(m.source(), oldSchema)));
        }
        if (tgt == null) {
            out.add(Finding.of(Severity.PROBLEM, "missing_table", table, "",
                    "target table " + m.target() + " does not exist in the new database" + suggest(m.target(), newSchema)));
        }
        if (src == null || tgt == null) {
            return new Result(out, false, Map.of());
        }
        boolean possible = true;

        if (m.key().isEmpty()) {
            out.add(Finding.of(Severity.PROBLEM, "no_key", table, "", "no key: the source table " + m.source()
                    + " has no primary key and the plan names none"));
            possible = false;
        }
        for (String k : m.key()) {
            if (src.column(k).isEmpty()) {
                out.add(Finding.of(Severity.PROBLEM, "unknown_column", table, k,
                        "key column " + SqlNames.quote(k) + " does not exist in source table " + m.source()));
                possible = false;
            }
        }
        if (possible && !src.isUnique(m.key())) {
            out.add(Finding.of(Severity.WARNING, "key_not_constrained", table, String.join(",", m.key()),
                    "source key (" + String.join(", ", m.key()) + ") has no primary key or unique constraint in "
                            + m.source() + "; the dry run checks that its values are unique"));
        }
        for (ColumnMapping c : m.columns()) {
            var col = tgt.column(c.target());
            if (col.isEmpty()) {
                out.add(Finding.of(Severity.PROBLEM, "unknown_column", table, c.target(),
                        "target column " + SqlNames.quote(c.target()) + " does not exist in " + m.target()));
                possible = false;
            } else if (col.get().generated()) {
                out.add(Finding.of(Severity.PROBLEM, "generated_column", table, c.target(),
                        "target column " + SqlNames.quote(c.target()) + " is generated and cannot be written; remove its mapping"));
                possible = false;
            }
        }
        List<String> targetKey = List.of();
        for (String k : m.key()) {
            if (src.column(k).isPresent() && m.columns().stream().noneMatch(c -> SqlNames.isBareReference(c.expr(), k))) {
                out.add(Finding.of(Severity.PROBLEM, "key_not_mapped", table, k, "key column " + SqlNames.quote(k)
                        + " must be mapped unchanged (a bare column reference) to a column of " + m.target()));
                possible = false;
            }
        }
        if (possible) {
            targetKey = m.targetKey();
        }
        if (possible && !tgt.isUnique(targetKey)) {
            out.add(Finding.of(Severity.PROBLEM, "target_key_not_unique", table, String.join(",", targetKey),
                    "target key (" + String.join(", ", targetKey) + ") of " + m.target() + " needs a primary key or unique"
                            + " constraint: backfill, repair and replay match rows by it"));
        }

        // Source columns read by no mapping and not dropped: possible data loss.
        Set<String> read = new HashSet<>();
        m.columns().forEach(c -> read.addAll(Expressions.identifiers(c.expr())));
        for (Schema.Column sc : src.columns()) {
            if (!read.contains(sc.name()) && !m.dropped().contains(sc.name())) {
                out.add(Finding.of(Severity.WARNING, "unmapped_source_column", table, sc.name(),
                        "source column " + m.source() + "." + SqlNames.quote(sc.name()) + " (" + sc.type()
                                + ") is read by no mapping and not listed in \"dropped\": its data would be lost"));
            }
        }
        for (String d : m.dropped()) {
            if (src.column(d).isEmpty()) {
                out.add(Finding.of(Severity.WARNING, "unknown_dropped_column", table, d,
                        "\"dropped\" lists " + SqlNames.quote(d) + ", which is not a column of " + m.source()));
            }
        }
        // Target columns with no mapping.
        for (Schema.Column tc : tgt.columns()) {
            if (m.column(tc.name()).isPresent() || tc.generated()) {
                continue;
            }
            if (tc.notNull() && !tc.hasDefault()) {
                out.add(Finding.of(Severity.PROBLEM, "not_null_without_source", table, tc.name(),
                        "target column " + SqlNames.quote(tc.name()) + " is NOT NULL without a default and has no mapping:"
                                + " every insert would fail"));
            } else if (tc.hasDefault()) {
                out.add(Finding.of(Severity.NOTE, "takes_default", table, tc.name(), "target column "
                        + SqlNames.quote(tc.name()) + " has no mapping and will take its default"
                        + (tc.defaultExpr() == null ? "" : " (" + tc.defaultExpr() + ")")));
            } else {
                out.add(Finding.of(Severity.NOTE, "left_null", table, tc.name(),
                        "target column " + SqlNames.quote(tc.name()) + " has no mapping and will be NULL"));
            }
        }

        // Expressions: parse and cast in the old database.
        Map<String, String> types = new HashMap<>();
        if (possible && oldConn != null) {
            for (ColumnMapping c : m.columns()) {
                Schema.Column tc = tgt.column(c.target()).orElseThrow();
                String cast = dev.cutover.sql.MappingSql.castFor(tc);
                ExpressionProbe.Result r = ExpressionProbe.probe(oldConn, m.source(), c.expr(), cast);
                if (!r.ok() && r.type().isEmpty()) {
                    out.add(Finding.of(Severity.PROBLEM, "bad_expression", table, c.target(),
                            "expression " + c.expr() + " for " + SqlNames.quote(c.target()) + " does not parse: " + r.describe()));
                    possible = false;
                } else if (!r.ok()) {
                    out.add(Finding.of(Severity.PROBLEM, "type_mismatch", table, c.target(),
                            "expression " + c.expr() + " for " + SqlNames.quote(c.target()) + ": " + r.error()));
                    possible = false;
                } else {
                    types.put(c.target(), r.type());
                    if (INEXACT_SOURCES.contains(r.type()) && CASTS_THAT_ROUND.contains(tc.baseType())
                            && !(r.type().equals("numeric") && tc.baseType().equals("numeric") && tc.numericScale() == 0 && tc.numericPrecision() == 0)) {
                        out.add(Finding.of(Severity.NOTE, "inexact_to_exact", table, c.target(), "expression of type "
                                + r.type() + " becomes " + tc.type() + ": the dry run counts the rows whose value the cast rounds"));
                    }
                }
            }
        }

        // Reverse mappings.
        if (m.reverse().isEmpty()) {
            out.add(Finding.of(Severity.NOTE, "no_reverse", table, "", "no \"reverse\" mappings: after new_primary, rollback"
                    + " cannot re-sync the old table " + m.source() + " from the new one (only plain column copies reverse on their own)"));
        } else {
            for (ColumnMapping r : m.reverse()) {
                var sc = src.column(r.target());
                if (sc.isEmpty()) {
                    out.add(Finding.of(Severity.PROBLEM, "unknown_column", table, r.target(),
                            "reverse mapping targets " + SqlNames.quote(r.target()) + ", which is not a column of " + m.source()));
                    possible = false;
                    continue;
                }
                if (newConn == null) {
                    continue;
                }
                ExpressionProbe.Result res = ExpressionProbe.probe(newConn, m.target(), r.expr(),
                        dev.cutover.sql.MappingSql.castFor(sc.get()));
                if (!res.ok()) {
                    out.add(Finding.of(Severity.PROBLEM, res.type().isEmpty() ? "bad_expression" : "type_mismatch", table,
                            r.target(), "reverse expression " + r.expr() + " for " + m.source() + "." + SqlNames.quote(r.target())
                                    + ": " + res.describe()));
                    possible = false;
                }
            }
            var reversed = m.effectiveReverse().keySet();
            for (Schema.Column sc : src.columns()) {
                if (!reversed.contains(sc.name()) && sc.notNull() && !sc.hasDefault()) {
                    out.add(Finding.of(Severity.PROBLEM, "reverse_not_null_without_source", table, sc.name(),
                            "source column " + SqlNames.quote(sc.name()) + " is NOT NULL without a default and no reverse mapping"
                                    + " fills it: rows created in the new database after new_primary could not be copied back"));
                }
            }
        }

        // Foreign keys between target tables need the referenced table loaded first.
        int index = plan.tables().indexOf(m);
        for (Schema.ForeignKey fk : tgt.foreignKeys()) {
            for (int j = index + 1; j < plan.tables().size(); j++) {
                TableRef later = plan.tables().get(j).target();
                if (later.equals(fk.references())) {
                    out.add(Finding.of(Severity.WARNING, "load_order", table, String.join(",", fk.columns()),
                            "foreign key " + fk.name() + " references " + later + ", which the plan lists later: backfill"
                                    + " copies tables in plan order, so list " + later + " first"));
                }
            }
        }
        if (!src.dependentViews().isEmpty()) {
            out.add(Finding.of(Severity.NOTE, "dependent_views", table, "", "views reading the source table keep reading"
                    + " the old database: " + String.join(", ", src.dependentViews().stream().map(TableRef::toString).toList())));
        }
        return new Result(out, possible, types);
    }

    private static String suggest(TableRef missing, Schema schema) {
        String want = missing.table().toLowerCase(Locale.ROOT);
        return schema.tables().keySet().stream()
                .filter(t -> Suggest.distance(t.table().toLowerCase(Locale.ROOT), want) <= 2)
                .findFirst().map(t -> " (did you mean " + t + "?)").orElse("");
    }
}
