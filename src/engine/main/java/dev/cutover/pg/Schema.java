package dev.cutover.pg;

import dev.cutover.plan.TableRef;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The tables of one live database, as read from its catalogs by {@link SchemaReader}. */
public record Schema(String serverVersion, Map<TableRef, Table> tables) {

    public Optional<Table> table(TableRef ref) {
        return Optional.ofNullable(tables.get(ref));
    }

    /** A table with what the plan check and the engine need to know about it. */
    public record Table(TableRef ref, List<Column> columns, List<String> primaryKey, List<List<String>> uniqueKeys,
                        List<ForeignKey> foreignKeys, List<Index> indexes, List<TableRef> dependentViews,
                        long rowEstimate) {
        public Optional<Column> column(String name) {
            return columns.stream().filter(c -> c.name().equals(name)).findFirst();
        }

        /** True when these columns are the primary key or a unique constraint/index (in any order). */
        public boolean isUnique(List<String> cols) {
            if (primaryKey.size() == cols.size() && primaryKey.containsAll(cols)) {
                return true;
            }
            return uniqueKeys.stream().anyMatch(u -> u.size() == cols.size() && u.containsAll(cols));
        }
    }

    /**
     * A column. {@code type} is the full SQL type with modifiers ({@code character varying(20)}),
     * {@code baseType} the same without them ({@code character varying}); {@code builtin} is true
     * for types of pg_catalog (which exist in every database).
     */
    public record Column(String name, int position, String type, String baseType, boolean builtin, boolean notNull,
                         String defaultExpr, boolean generated, boolean identity, String collation,
                         int maxLength, int numericPrecision, int numericScale) {
        public boolean hasDefault() {
            return defaultExpr != null || identity || generated;
        }
    }

    public record ForeignKey(String name, List<String> columns, TableRef references, List<String> referencedColumns) {
    }

    public record Index(String name, boolean unique, String definition) {
    }
}
