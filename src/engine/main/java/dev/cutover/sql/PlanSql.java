package dev.cutover.sql;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan bound to both live schemas: one {@link MappingSql} per table, or a one-line error naming
 * the table or column that does not exist. The starting point of every engine command.
 */
public final class PlanSql {
    private final Plan plan;
    private final Schema oldSchema;
    private final Schema newSchema;
    private final Map<TableMapping, MappingSql> tables = new LinkedHashMap<>();

    private PlanSql(Plan plan, Schema oldSchema, Schema newSchema) {
        this.plan = plan;
        this.oldSchema = oldSchema;
        this.newSchema = newSchema;
        for (TableMapping m : plan.tables()) {
            Schema.Table src = oldSchema.table(m.source()).orElseThrow(() -> new DbException(
                    "source table " + m.source() + " does not exist in the old database (run cutover plan check)"));
            Schema.Table tgt = newSchema.table(m.target()).orElseThrow(() -> new DbException(
                    "target table " + m.target() + " does not exist in the new database (run cutover plan check)"));
            for (var c : m.columns()) {
                if (tgt.column(c.target()).isEmpty()) {
                    throw new DbException("target table " + m.target() + " has no column " + SqlNames.quote(c.target())
                            + " (run cutover plan check)");
                }
            }
            for (String k : m.key()) {
                if (src.column(k).isEmpty()) {
                    throw new DbException("source table " + m.source() + " has no key column " + SqlNames.quote(k));
                }
            }
            tables.put(m, new MappingSql(m, src, tgt));
        }
    }

    /** Reads both schemas and binds every table of the plan. */
    public static PlanSql load(Plan plan, Connection oldConn, Connection newConn) {
        try {
            return new PlanSql(plan, SchemaReader.read(oldConn), SchemaReader.read(newConn));
        } catch (SQLException e) {
            throw new DbException("cannot read the database schemas: " + Sql.message(e), e);
        }
    }

    public Plan plan() {
        return plan;
    }

    public Schema oldSchema() {
        return oldSchema;
    }

    public Schema newSchema() {
        return newSchema;
    }

    public MappingSql table(TableMapping m) {
        return tables.get(m);
    }

    /** The tables to work on: all, or the one named (target or source table name) — error if unknown. */
    public List<MappingSql> select(String tableName) {
        if (tableName == null) {
            return List.copyOf(tables.values());
        }
        TableMapping m = plan.table(tableName).orElseThrow(() -> new DbException("the plan has no table " + tableName
                + " (tables: " + String.join(", ", plan.tables().stream().map(t -> t.target().table()).toList()) + ")"));
        return List.of(tables.get(m));
    }
}
