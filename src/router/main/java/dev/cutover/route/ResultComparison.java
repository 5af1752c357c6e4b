package dev.cutover.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.util.PGobject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Array;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Compares the results of one read on the two schemas semantically: rows by column name (never
 * raw text of rows from two schemas), numbers by value ({@code 12.50 = 12.5}, {@code int 3 = long 3}),
 * timestamps as instants, JSON parsed with key order ignored, and rows as a multiset when the
 * query is order-insensitive.
 */
final class ResultComparison {
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

    private ResultComparison() {
    }

    /** True when both results mean the same rows. */
    static boolean same(List<Map<String, Object>> a, List<Map<String, Object>> b, boolean orderInsensitive) {
        if (a.size() != b.size()) {
            return false;
        }
        List<Map<String, Object>> na = normalise(a);
        List<Map<String, Object>> nb = normalise(b);
        if (!orderInsensitive) {
            return na.equals(nb);
        }
        Map<Map<String, Object>, Integer> counts = new HashMap<>();
        na.forEach(r -> counts.merge(r, 1, Integer::sum));
        for (Map<String, Object> r : nb) {
            Integer c = counts.get(r);
            if (c == null) {
                return false;
            }
            if (c == 1) {
                counts.remove(r);
            } else {
                counts.put(r, c - 1);
            }
        }
        return counts.isEmpty();
    }

    static List<Map<String, Object>> normalise(List<Map<String, Object>> rows) {
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> r : rows) {
            Map<String, Object> n = new TreeMap<>();
            r.forEach((k, v) -> n.put(k, value(v)));
            out.add(n);
        }
        return out;
    }

    /** The comparable form of one column value. */
    static Object value(Object v) {
        if (v == null) {
            return null;
        }
        if (v instanceof BigDecimal d) {
            return number(d);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return number(BigDecimal.valueOf(((Number) v).longValue()));
        }
        if (v instanceof BigInteger i) {
            return number(new BigDecimal(i));
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return Double.isFinite(d) ? number(new BigDecimal(Double.toString(d))) : Double.toString(d);
        }
        if (v instanceof Timestamp t) {
            return t.toInstant();
        }
        if (v instanceof OffsetDateTime o) {
            return o.toInstant();
        }
        if (v instanceof ZonedDateTime z) {
            return z.toInstant();
        }
        if (v instanceof LocalDateTime l) {
            return l.toInstant(ZoneOffset.UTC);
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof LocalDate || v instanceof Instant) {
            return v;
        }
        if (v instanceof PGobject p) {
            String type = p.getType() == null ? "" : p.getType();
            if ((type.equals("json") || type.equals("jsonb")) && p.getValue() != null) {
                return json(p.getValue());
            }
            return p.getValue();
        }
        if (v instanceof byte[] b) {
            return "\\x" + HexFormat.of().formatHex(b);
        }
        if (v instanceof Array a) {
            try {
                Object arr = a.getArray();
                List<Object> out = new ArrayList<>();
                for (Object o : (Object[]) arr) {
                    out.add(value(o));
                }
                return out;
            } catch (SQLException | ClassCastException e) {
                return a.toString();
            }
        }
        if (v instanceof Object[] arr) {
            return Arrays.stream(arr).map(ResultComparison::value).toList();
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), value(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            return l.stream().map(ResultComparison::value).toList();
        }
        return v;
    }

    /** A number by its value: trailing zeros stripped, but a whole number kept whole (69760, not 6.976E+4). */
    private static BigDecimal number(BigDecimal d) {
        if (d.signum() == 0) {
            return BigDecimal.ZERO;
        }
        BigDecimal stripped = d.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    /** Parsed JSON as plain values: objects as sorted maps, numbers by value. */
    private static Object json(String text) {
        try {
            return plain(JSON.readTree(text));
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    private static Object plain(com.fasterxml.jackson.databind.JsonNode n) {
        if (n.isObject()) {
            Map<String, Object> m = new TreeMap<>();
            for (Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e : n.properties()) {
                m.put(e.getKey(), plain(e.getValue()));
            }
            return new JsonValue(m);
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>();
            n.forEach(x -> l.add(plain(x)));
            return new JsonValue(l);
        }
        if (n.isNumber()) {
            return new JsonValue(number(n.decimalValue()));
        }
        if (n.isNull()) {
            return new JsonValue(null);
        }
        return new JsonValue(n.isTextual() ? n.textValue() : n.asText());
    }

    /** A JSON value, so JSON {@code "5"} and SQL text {@code 5} stay different. */
    record JsonValue(Object v) {
        @Override
        public boolean equals(Object o) {
            return o instanceof JsonValue j && Objects.equals(v, j.v);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(v);
        }
    }

    /** Rows as JSON-friendly values (for mismatch samples), at most {@code maxRows}. */
    static List<Map<String, Object>> forSample(List<Map<String, Object>> rows, int maxRows) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : rows.subList(0, Math.min(maxRows, rows.size()))) {
            Map<String, Object> m = new LinkedHashMap<>();
            r.forEach((k, v) -> m.put(k, sampleValue(v)));
            out.add(m);
        }
        return out;
    }

    private static Object sampleValue(Object v) {
        Object n = value(v);
        if (n instanceof JsonValue) {
            return unwrap(n);
        }
        if (n == null || n instanceof Boolean || n instanceof String) {
            return n;
        }
        if (n instanceof BigDecimal) {
            return n;
        }
        if (n instanceof List<?> l) {
            return l.stream().map(x -> x instanceof JsonValue ? unwrap(x) : x == null ? null : x.toString()).toList();
        }
        return n.toString();
    }

    private static Object unwrap(Object o) {
        if (o instanceof JsonValue j) {
            return unwrap(j.v());
        }
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), unwrap(x)));
            return out;
        }
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(unwrap(x)));
            return out;
        }
        return o;
    }
}
