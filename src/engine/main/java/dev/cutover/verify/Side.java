package dev.cutover.verify;

import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One open connection to one side, with its statements prepared once and its role for messages. */
final class Side implements AutoCloseable {
    private final Db db;
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Side(Db db) {
        this.db = db;
        this.connection = db.connect();
    }

    String role() {
        return db.role();
    }

    Connection connection() {
        return connection;
    }

    /** A prepared statement of this connection, reused for the same text. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Binds text values from parameter 1 on; returns the next parameter index. */
    static int bind(PreparedStatement ps, int from, List<String> values) throws SQLException {
        int i = from;
        for (String v : values) {
            ps.setString(i++, v);
        }
        return i;
    }

    /** A one-line error naming the table and this side. */
    DbException failure(String table, SQLException e) {
        return new DbException("comparing " + table + " failed on the " + db.role() + " (" + db.safeUrl() + "): "
                + Sql.message(e), e);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (SQLException e) {
            // closing a dropped connection: nothing left to release
        }
    }
}
