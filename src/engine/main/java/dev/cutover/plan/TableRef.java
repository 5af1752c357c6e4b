package dev.cutover.plan;

/** A schema-qualified table name, kept exactly as written (case and spaces). */
public record TableRef(String schema, String table) {
    public TableRef {
        if (schema == null || schema.isEmpty() || table == null || table.isEmpty()) {
            throw new IllegalArgumentException("schema and table must be non-empty");
        }
    }

    /** For messages: {@code public.orders}. */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
