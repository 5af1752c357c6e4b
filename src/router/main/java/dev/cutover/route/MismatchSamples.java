package dev.cutover.route;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cutover.control.ControlKeys;
import dev.cutover.io.CsvWriter;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Shadow-read mismatch samples: the capped list {@link ControlKeys#mismatchSamples()} (newest
 * first, at most {@link #CAP}) of JSON objects
 * {@code {"at":epochMs,"query":…,"params_hash":…,"mode":"old_new"|"old_old","served":"old"|"new",
 * "old_ms":…,"new_ms":…,"old_rows":[…],"new_rows":[…]}} with at most {@link #MAX_ROWS} rows per
 * side and values cut to {@link #MAX_VALUE_CHARS} characters; and their CSV export for the console.
 */
public final class MismatchSamples {
    public static final int CAP = 500;
    public static final int MAX_ROWS = 20;
    public static final int MAX_VALUE_CHARS = 500;
    /** Header of {@link #exportCsv}. */
    public static final String CSV_HEADER = "at,query,params_hash,mode,served,old_ms,new_ms,old_rows,new_rows";
    /**
     * Reads and writes samples keeping each value's type and digits: whole numbers stay whole
     * (never {@code 1.796638456076E+15}), decimals are read as BigDecimal (never rounded through a
     * double) and written plain.
     */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN.mappedFeature())
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /**
     * One stored sample, read: the one place that knows the fields' names. {@code oldRows} and
     * {@code newRows} are the rows as JSON text, exact; the counts are the rows each side returned
     * (the JSON holds at most {@link #MAX_ROWS}).
     */
    public record Sample(long atMillis, String query, String paramsHash, String mode, String served, String oldMs,
                         String newMs, int oldRowCount, int newRowCount, String oldRows, String newRows) {
    }

    /** Reads one stored sample; empty when the text is not a sample. */
    public static java.util.Optional<Sample> parse(String json, boolean prettyRows) {
        try {
            JsonNode o = JSON.readTree(json);
            if (o == null || !o.isObject()) {
                return java.util.Optional.empty();
            }
            var writer = prettyRows ? JSON.writerWithDefaultPrettyPrinter() : JSON.writer();
            return java.util.Optional.of(new Sample(o.path("at").asLong(), o.path("query").asText(), o.path("params_hash").asText(),
                    o.path("mode").asText(), o.path("served").asText(), o.path("old_ms").asText(), o.path("new_ms").asText(),
                    o.path("old_row_count").asInt(o.path("old_rows").size()), o.path("new_row_count").asInt(o.path("new_rows").size()),
                    writer.writeValueAsString(o.path("old_rows")), writer.writeValueAsString(o.path("new_rows"))));
        } catch (JsonProcessingException e) {
            return java.util.Optional.empty();
        }
    }

    private MismatchSamples() {
    }

    /**
     * The hash of a query's parameters: the first 16 hex digits of SHA-256 over the JSON array of
     * the parameters' string forms (null as JSON null), so samples of one call can be grouped
     * without storing the parameters themselves.
     */
    public static String paramsHash(Object[] params) {
        var arr = JSON.createArrayNode();
        for (Object p : params) {
            if (p == null) {
                arr.addNull();
            } else {
                arr.add(p.toString());
            }
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(arr.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sampleJson(String query, String paramsHash, boolean aa, boolean servedNew, double oldMs, double newMs,
                             List<Map<String, Object>> oldRows, List<Map<String, Object>> newRows) {
        return sampleJson(System.currentTimeMillis(), query, paramsHash, aa, servedNew, oldMs, newMs, oldRows, newRows);
    }

    /** One sample as stored, taken at {@code atMillis} (the console's screenshot tour seeds a few with it). */
    public static String sampleJson(long atMillis, String query, String paramsHash, boolean aa, boolean servedNew, double oldMs,
                                    double newMs, List<Map<String, Object>> oldRows, List<Map<String, Object>> newRows) {
        ObjectNode o = JSON.createObjectNode();
        o.put("at", atMillis);
        o.put("query", query);
        o.put("params_hash", paramsHash);
        o.put("mode", aa ? "old_old" : "old_new");
        o.put("served", servedNew ? "new" : "old");
        o.put("old_ms", Math.round(oldMs * 1000) / 1000.0);
        o.put("new_ms", Math.round(newMs * 1000) / 1000.0);
        o.set("old_rows", rows(oldRows));
        o.set("new_rows", rows(newRows));
        o.put("old_row_count", oldRows.size());
        o.put("new_row_count", newRows.size());
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode rows(List<Map<String, Object>> rows) {
        JsonNode n = JSON.valueToTree(ResultComparison.forSample(rows, MAX_ROWS));
        n.forEach(r -> r.properties().forEach(e -> {
            if (e.getValue().isTextual() && e.getValue().textValue().length() > MAX_VALUE_CHARS) {
                ((ObjectNode) r).put(e.getKey(), e.getValue().textValue().substring(0, MAX_VALUE_CHARS) + "…");
            }
        }));
        return n;
    }

    /** Stores a sample at the head of the capped list. */
    public static void push(RedisCommands<String, String> redis, ControlKeys keys, String json) {
        redis.lpush(keys.mismatchSamples(), json);
        redis.ltrim(keys.mismatchSamples(), 0, CAP - 1);
    }

    /** The stored samples, newest first. */
    public static List<String> read(RedisCommands<String, String> redis, ControlKeys keys) {
        return redis.lrange(keys.mismatchSamples(), 0, -1);
    }

    /**
     * Writes samples as RFC 4180 CSV with header {@link #CSV_HEADER}: {@code at} as ISO-8601 UTC,
     * {@code old_rows}/{@code new_rows} as JSON arrays of row objects, the other columns as stored.
     */
    public static void exportCsv(List<String> samples, Writer out) throws IOException {
        CsvWriter csv = new CsvWriter(out, CSV_HEADER);
        for (String json : samples) {
            java.util.Optional<Sample> parsed = parse(json, false);
            if (parsed.isEmpty()) {
                continue;
            }
            Sample o = parsed.get();
            csv.row(Instant.ofEpochMilli(o.atMillis()).toString(), o.query(), o.paramsHash(), o.mode(), o.served(),
                    o.oldMs(), o.newMs(), o.oldRows(), o.newRows());
        }
        csv.flush();
    }

    /** Reads the samples of a migration and writes them as CSV (the console's "Export CSV"). */
    public static int exportCsv(RedisCommands<String, String> redis, ControlKeys keys, Writer out) throws IOException {
        List<String> samples = read(redis, keys);
        exportCsv(samples, out);
        return samples.size();
    }
}
