package dev.cutover.verify;

import dev.cutover.sql.VerifySql;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of the sampled mode: N random keys per table, 90 % from the from side and 10 % from
 * the to side (so rows only the to side has can show up), drawn with {@code TABLESAMPLE SYSTEM}.
 */
final class Sampler {
    private Sampler() {
    }

    static List<List<String>> keys(TableCheck t, Side from, Side to, int sample) {
        int fromN = Math.max(1, sample - sample / 10);
        int toN = Math.max(1, sample / 10);
        Set<List<String>> keys = new LinkedHashSet<>();
        keys.addAll(sampleKeys(t, from, t.flow().fromTable(), t.sql().fromSampleKeys(), fromN));
        keys.addAll(sampleKeys(t, to, t.flow().toTable(), t.sql().toSampleKeys(), toN));
        return new ArrayList<>(keys);
    }

    private static List<List<String>> sampleKeys(TableCheck t, Side side, String quotedTable, String statement, int n) {
        long estimate = estimate(side, quotedTable);
        double pct = estimate <= 0 ? 100.0 : Math.min(100.0, Math.max(0.001, 100.0 * n * 4 / estimate));
        List<List<String>> out = new ArrayList<>();
        try {
            PreparedStatement ps = side.prepare(statement);
            ps.setDouble(1, pct);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> k = new ArrayList<>();
                    for (int i = 1; i <= t.keys(); i++) {
                        k.add(rs.getString(i));
                    }
                    out.add(k);
                }
            }
        } catch (SQLException e) {
            throw side.failure(t.name(), e);
        }
        return out;
    }

    private static long estimate(Side side, String quotedTable) {
        try (PreparedStatement ps = side.connection().prepareStatement(VerifySql.rowEstimate())) {
            ps.setString(1, quotedTable);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }
}
