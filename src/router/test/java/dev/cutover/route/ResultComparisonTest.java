package dev.cutover.route;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;

import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultComparisonTest {
    private static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static PGobject json(String type, String v) throws SQLException {
        PGobject o = new PGobject();
        o.setType(type);
        o.setValue(v);
        return o;
    }

    @Test
    void numbersCompareByValue() {
        assertThat(ResultComparison.same(List.of(row("a", new BigDecimal("12.50"), "b", 3)),
                List.of(row("b", 3L, "a", new BigDecimal("12.5"))), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("a", new BigDecimal("0.00"))), List.of(row("a", 0)), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("a", 1.5d)), List.of(row("a", new BigDecimal("1.50"))), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("a", new BigDecimal("12.51"))), List.of(row("a", new BigDecimal("12.5"))),
                false)).isFalse();
    }

    @Test
    void timestampsCompareAsInstants() {
        Instant t = Instant.parse("2024-03-01T10:00:00Z");
        assertThat(ResultComparison.same(List.of(row("t", Timestamp.from(t))),
                List.of(row("t", OffsetDateTime.ofInstant(t, ZoneOffset.ofHours(2)))), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("t", Timestamp.from(t))),
                List.of(row("t", OffsetDateTime.ofInstant(t.plusMillis(1), ZoneOffset.UTC))), false)).isFalse();
    }

    @Test
    void jsonIgnoresKeyOrderAndSpacingButNotValues() throws SQLException {
        assertThat(ResultComparison.same(List.of(row("j", json("jsonb", "{\"a\": 1, \"b\": [1, 2.0]}"))),
                List.of(row("j", json("json", "{\"b\":[1,2],\"a\":1.0}"))), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("j", json("jsonb", "{\"a\": \"1\"}"))),
                List.of(row("j", json("jsonb", "{\"a\": 1}"))), false)).isFalse();
        assertThat(ResultComparison.same(List.of(row("j", json("jsonb", "{\"a\": 1}"))), List.of(row("j", "{\"a\": 1}")), false))
                .as("JSON and text are different values").isFalse();
    }

    @Test
    void orderMattersUnlessOrderInsensitive() {
        List<Map<String, Object>> a = List.of(row("id", 1), row("id", 2), row("id", 2));
        List<Map<String, Object>> b = List.of(row("id", 2), row("id", 1), row("id", 2));
        assertThat(ResultComparison.same(a, b, false)).isFalse();
        assertThat(ResultComparison.same(a, b, true)).isTrue();
        assertThat(ResultComparison.same(a, List.of(row("id", 1), row("id", 1), row("id", 2)), true))
                .as("multisets, not sets").isFalse();
    }

    @Test
    void columnsAreMatchedByNameAndMustAllBeThere() {
        assertThat(ResultComparison.same(List.of(row("a", 1, "b", "x")), List.of(row("b", "x", "a", 1)), false)).isTrue();
        assertThat(ResultComparison.same(List.of(row("a", 1, "b", "x")), List.of(row("a", 1)), false)).isFalse();
        assertThat(ResultComparison.same(List.of(row("a", null)), List.of(row("a", "")), false)).isFalse();
    }
}
