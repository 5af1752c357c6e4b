package dev.cutover.route;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One read the application makes, declared once with its SQL for each schema:
 *
 * <pre>
 * ReadOp&lt;Map&lt;String, Object&gt;&gt; listOrders = ReadOp.named("list_orders")
 *     .oldSql("SELECT id, total_amount FROM orders WHERE tenant_id = ?")
 *     .newSql("SELECT id, total_cents / 100.0 AS total_amount FROM orders WHERE tenant_id = ?")
 *     .orderInsensitive();
 * </pre>
 *
 * Rows are maps from column label to value. Rows of the new side are shaped like the old side's
 * by aliasing in {@code newSql} or with {@link #newRows}; the caller gets the same shape from
 * either side and the shadow comparison matches columns by name. {@link #map} turns rows into the
 * application's objects.
 */
public final class ReadOp<T> {
    private final String name;
    private final String oldSql;
    private final String newSql;
    private final boolean orderInsensitive;
    private final UnaryOperator<Map<String, Object>> newRows;
    private final Function<Map<String, Object>, T> mapper;

    private ReadOp(String name, String oldSql, String newSql, boolean orderInsensitive,
                   UnaryOperator<Map<String, Object>> newRows, Function<Map<String, Object>, T> mapper) {
        this.name = name;
        this.oldSql = oldSql;
        this.newSql = newSql;
        this.orderInsensitive = orderInsensitive;
        this.newRows = newRows;
        this.mapper = mapper;
    }

    public static ReadOp<Map<String, Object>> named(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a read operation needs a name");
        }
        return new ReadOp<>(name, null, null, false, null, null);
    }

    public ReadOp<T> oldSql(String sql) {
        return new ReadOp<>(name, Objects.requireNonNull(sql, "oldSql"), newSql, orderInsensitive, newRows, mapper);
    }

    public ReadOp<T> newSql(String sql) {
        return new ReadOp<>(name, oldSql, Objects.requireNonNull(sql, "newSql"), orderInsensitive, newRows, mapper);
    }

    /** Compare shadow results as multisets of rows (for queries without a total ORDER BY). */
    public ReadOp<T> orderInsensitive() {
        return new ReadOp<>(name, oldSql, newSql, true, newRows, mapper);
    }

    /** Reshapes each row of the new side into the old side's columns (after newSql, before comparison and mapping). */
    public ReadOp<T> newRows(UnaryOperator<Map<String, Object>> reshape) {
        return new ReadOp<>(name, oldSql, newSql, orderInsensitive, Objects.requireNonNull(reshape), mapper);
    }

    /** Maps each (old-shaped) row to an application object. */
    public <R> ReadOp<R> map(Function<Map<String, Object>, R> rowMapper) {
        return new ReadOp<>(name, oldSql, newSql, orderInsensitive, newRows, Objects.requireNonNull(rowMapper));
    }

    public String name() {
        return name;
    }

    public String oldSql() {
        return oldSql;
    }

    public String newSql() {
        return newSql;
    }

    public boolean isOrderInsensitive() {
        return orderInsensitive;
    }

    /**
     * Runs this read on one side only, with no router (for an application that picks its database
     * itself): the rows shaped and mapped as {@link Router#read} returns them.
     */
    public List<T> runOn(DataSource ds, boolean newSide, Object... params) throws SQLException {
        List<Map<String, Object>> rows = Rows.query(ds, sql(newSide), params);
        List<T> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            out.add(mapRow(newSide ? shapeNew(row) : row));
        }
        return out;
    }

    String sql(boolean newSide) {
        String s = newSide ? newSql : oldSql;
        if (s == null) {
            throw new IllegalStateException("read " + name + " has no " + (newSide ? "newSql" : "oldSql")
                    + " but the read was routed to the " + (newSide ? "new" : "old") + " database");
        }
        return s;
    }

    Map<String, Object> shapeNew(Map<String, Object> row) {
        return newRows == null ? row : newRows.apply(row);
    }

    /** False when rows are returned as maps (no mapper). */
    boolean mapsRows() {
        return mapper != null;
    }

    @SuppressWarnings("unchecked")
    T mapRow(Map<String, Object> row) {
        return mapper == null ? (T) row : mapper.apply(row);
    }
}
