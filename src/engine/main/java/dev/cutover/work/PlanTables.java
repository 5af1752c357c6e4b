package dev.cutover.work;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * The plan's tables a chunked job covers (all of them, or the ones named), found in both live
 * catalogs before any row is read: the source table in the old database, the target table in the
 * new one, each missing one a one-line error. Both catalogs are read at once, so the start of a run
 * waits on the slower one only. Backfill and verify build their flows from the result.
 */
public final class PlanTables {
    /** A plan table with its live source (old database) and target (new database) tables. */
    public record Table(String plan, TableMapping mapping, Schema.Table source, Schema.Table target) {
        /** The mapping's SQL over the live tables. */
        public MappingSql sql() {
            return new MappingSql(mapping, source, target);
        }

        /** The flow in direction {@code d}; a mapping that does not fit the live tables is a one-line error. */
        public Flow flow(Direction d) {
            try {
                return sql().flow(d);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw new PlanException("plan " + plan + ", table " + mapping.target() + ": " + e.getMessage(), e);
            }
        }
    }

    private PlanTables() {
    }

    /**
     * The plan's table mappings named by {@code names} (a target or source table, by name or as
     * {@code schema.table}), in the order named and each once; every table of the plan when empty.
     */
    public static List<TableMapping> select(Plan plan, List<String> names) {
        if (names.isEmpty()) {
            return plan.tables();
        }
        Set<TableMapping> out = new LinkedHashSet<>();
        for (String name : names) {
            out.add(plan.table(name).or(() -> plan.tables().stream()
                    .filter(t -> t.target().toString().equals(name) || t.source().toString().equals(name)).findFirst())
                    .orElseThrow(() -> new PlanException("plan " + plan.name() + " has no table " + name)));
        }
        return new ArrayList<>(out);
    }

    /** The resolved tables with both whole catalogs they were found in (for what lies around them: foreign keys). */
    public record Resolved(List<Table> tables, Schema oldSchema, Schema newSchema) {
    }

    /** {@link #select}ed tables resolved against both databases' catalogs, each read over a connection of its own. */
    public static Resolved resolve(Plan plan, List<String> names, Db oldDb, Db newDb) {
        return resolveAll(plan, names, oldDb.role(), () -> SchemaReader.read(oldDb), newDb.role(), () -> SchemaReader.read(newDb));
    }

    /** The same over connections already open to the old and the new database ({@code oldRole}, {@code newRole} for messages). */
    public static Resolved resolve(Plan plan, List<String> names, Connection oldDb, String oldRole, Connection newDb,
                                   String newRole) {
        return resolveAll(plan, names, oldRole, () -> read(oldDb, oldRole), newRole, () -> read(newDb, newRole));
    }

    private static Resolved resolveAll(Plan plan, List<String> names, String oldRole, Supplier<Schema> oldRead, String newRole,
                                       Supplier<Schema> newRead) {
        List<TableMapping> mappings = select(plan, names);
        CompletableFuture<Schema> newSchema = CompletableFuture.supplyAsync(newRead);
        Schema oldSchema = oldRead.get();
        Schema newTables;
        try {
            newTables = newSchema.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        List<Table> out = new ArrayList<>();
        for (TableMapping m : mappings) {
            Schema.Table src = oldSchema.table(m.source()).orElseThrow(() -> new PlanException(
                    "plan " + plan.name() + ": source table " + m.source() + " does not exist in the " + oldRole));
            Schema.Table tgt = newTables.table(m.target()).orElseThrow(() -> new PlanException(
                    "plan " + plan.name() + ": target table " + m.target() + " does not exist in the " + newRole));
            out.add(new Table(plan.name(), m, src, tgt));
        }
        return new Resolved(out, oldSchema, newTables);
    }

    private static Schema read(Connection c, String role) {
        try {
            return SchemaReader.read(c);
        } catch (SQLException e) {
            throw new DbException("cannot read the tables of the " + role + ": " + Sql.message(e), e);
        }
    }
}
