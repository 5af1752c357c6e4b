package dev.cutover.verify;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One row as fetched by the row statements of {@link dev.cutover.sql.VerifySql}: key values as
 * text (how keys travel and match), key values as JSON, and per column its compare value as
 * text (null for SQL NULL) and as JSON.
 */
record SideRow(List<String> key, List<String> keyJson, List<String> values, List<String> json) {

    static List<SideRow> readAll(ResultSet rs, int keys, int columns) throws SQLException {
        List<SideRow> out = new ArrayList<>();
        while (rs.next()) {
            List<String> k = new ArrayList<>(keys);
            List<String> kj = new ArrayList<>(keys);
            List<String> v = new ArrayList<>(columns);
            List<String> j = new ArrayList<>(columns);
            int i = 1;
            for (int n = 0; n < keys; n++) {
                k.add(rs.getString(i++));
            }
            for (int n = 0; n < keys; n++) {
                kj.add(rs.getString(i++));
            }
            for (int n = 0; n < columns; n++) {
                v.add(rs.getString(i++));
                j.add(rs.getString(i++));
            }
            out.add(new SideRow(k, kj, v, j));
        }
        return out;
    }
}
