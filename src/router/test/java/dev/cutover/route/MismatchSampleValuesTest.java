package dev.cutover.route;

import dev.cutover.testing.NeedsServers;
import dev.cutover.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15, 6: a mismatch sample keeps each value's type and digits from the database to Redis's
 * JSON, the console's detail and the exported CSV (whole numbers were shown as 1.796638456076E+15
 * and 6.976E+4).
 */
@NeedsServers
class MismatchSampleValuesTest {
    @Test
    void wholeNumbersStayWholeAndDecimalsKeepEveryDigit() throws Exception {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (TestDb db = TestDb.create("samples"); Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1796638456076000::bigint AS id, 69760.00::numeric AS total_cents, "
                     + "12345678901234567.1234567890::numeric(30,10) AS exact, 0.29::float8 AS amount, 100::int AS n")) {
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        String json = MismatchSamples.sampleJson(1_000L, "orders_by_user", "abc", false, true, 1.5, 2.25, rows, List.of());
        assertThat(json).contains("\"id\":1796638456076000", "\"total_cents\":69760", "\"exact\":12345678901234567.123456789",
                "\"amount\":0.29", "\"n\":100").doesNotContain("E+", "E-", "E1");

        MismatchSamples.Sample read = MismatchSamples.parse(json, true).orElseThrow();
        assertThat(read.oldRows()).contains("1796638456076000", "69760", "12345678901234567.123456789").doesNotContain("E+");
        assertThat(read.oldRowCount()).isEqualTo(1);
        assertThat(read.query()).isEqualTo("orders_by_user");

        StringWriter csv = new StringWriter();
        MismatchSamples.exportCsv(List.of(json), csv);
        assertThat(csv.toString()).contains("1796638456076000", "69760", "12345678901234567.123456789").doesNotContain("E+");
    }
}
