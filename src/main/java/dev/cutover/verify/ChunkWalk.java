package dev.cutover.verify;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Hands out the key-ordered chunks of one table to the workers: each chunk ends at the key
 * {@code chunkRows} rows after the previous one on the from side (an index-only walk of the key);
 * the last chunk is open-ended, so rows the to side has beyond the from side's last key are
 * compared too.
 */
final class ChunkWalk {
    private final TableCheck table;
    private final Side side;
    private final int chunkRows;
    private List<String> lower;
    private boolean done;

    ChunkWalk(TableCheck table, Side side, int chunkRows) {
        this.table = table;
        this.side = side;
        this.chunkRows = chunkRows;
    }

    synchronized ChunkComparer.Range next() {
        if (done) {
            return null;
        }
        try {
            PreparedStatement ps = side.prepare(table.sql().fromKeys().nextBoundary(lower != null));
            int i = lower == null ? 1 : Side.bind(ps, 1, lower);
            ps.setLong(i, chunkRows - 1L);
            try (ResultSet rs = ps.executeQuery()) {
                ChunkComparer.Range r;
                if (rs.next()) {
                    List<String> upper = new ArrayList<>();
                    for (int k = 1; k <= table.keys(); k++) {
                        upper.add(rs.getString(k));
                    }
                    r = new ChunkComparer.Range(lower, upper);
                    lower = upper;
                } else {
                    r = new ChunkComparer.Range(lower, null);
                    done = true;
                }
                return r;
            }
        } catch (SQLException e) {
            throw side.failure(table.name(), e);
        }
    }
}
