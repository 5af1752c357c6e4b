package dev.cutover.plan;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes plan files. Reading is strict: every problem is reported as one line
 * {@code FILE: PATH: what is wrong}, e.g. {@code plan.json: tables[0].columns[2].target: duplicate target column "id"}.
 * Writing is canonical (fixed field order, two-space indent, trailing newline), so the same plan
 * always gives the same bytes and diffs well in git.
 */
public final class PlanFile {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private PlanFile() {
    }

    public static Plan read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PlanException(file + ": plan file not found");
        } catch (IOException e) {
            throw new PlanException(file + ": cannot read plan file: " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses plan JSON; {@code origin} names the file in error messages. */
    public static Plan parse(String json, String origin) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
            throw new PlanException(origin + ": not valid JSON" + where + ": " + e.getOriginalMessage());
        }
        return new Reader(origin).plan(root);
    }

    public static void write(Plan plan, Path file) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, toJson(plan), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new PlanException(file + ": cannot write plan file: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code plan} canonically after reading it back strictly, as the engine will read it:
     * a plan the engine would refuse is not written, and the reason names its JSON path.
     */
    public static void writeChecked(Plan plan, Path file) {
        parse(toJson(plan), file.getFileName().toString());
        write(plan, file);
    }

    public static String toJson(Plan plan) {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", plan.version());
        root.put("name", plan.name());
        ArrayNode tables = root.putArray("tables");
        for (TableMapping t : plan.tables()) {
            ObjectNode o = tables.addObject();
            o.set("source", ref(t.source()));
            o.set("target", ref(t.target()));
            ArrayNode key = o.putArray("key");
            t.key().forEach(key::add);
            o.set("columns", mappings(t.columns()));
            ArrayNode dropped = o.putArray("dropped");
            t.dropped().forEach(dropped::add);
            if (!t.reverse().isEmpty()) {
                o.set("reverse", mappings(t.reverse()));
            }
        }
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("  ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("  ", "\n"));
            return JSON.writer(pp).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ObjectNode ref(TableRef r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("schema", r.schema());
        o.put("table", r.table());
        return o;
    }

    private static ArrayNode mappings(List<ColumnMapping> ms) {
        ArrayNode a = JSON.createArrayNode();
        for (ColumnMapping m : ms) {
            a.addObject().put("target", m.target()).put("expr", m.expr());
        }
        return a;
    }

    /** Walks the JSON tree, keeping the JSON path for messages. */
    private static final class Reader {
        private final String origin;

        Reader(String origin) {
            this.origin = origin;
        }

        private PlanException error(String path, String what) {
            return new PlanException(origin + ": " + (path.isEmpty() ? "" : path + ": ") + what);
        }

        Plan plan(JsonNode root) {
            ObjectNode o = object(root, "", Set.of("version", "name", "tables"));
            JsonNode v = required(o, "", "version");
            if (!v.isInt()) {
                throw error("version", "must be a whole number");
            }
            if (v.intValue() != Plan.CURRENT_VERSION) {
                throw error("version", "unsupported plan version " + v.intValue() + " (this Cutover reads version "
                        + Plan.CURRENT_VERSION + ")");
            }
            String name = text(o, "", "name");
            if (name.isBlank() || name.contains("{") || name.contains("}") || !name.equals(name.strip())) {
                throw error("name", "must be non-empty, without braces or surrounding spaces");
            }
            ArrayNode tablesNode = array(required(o, "", "tables"), "tables");
            if (tablesNode.isEmpty()) {
                throw error("tables", "a plan needs at least one table");
            }
            List<TableMapping> tables = new ArrayList<>();
            Set<TableRef> targets = new HashSet<>();
            Set<TableRef> sources = new HashSet<>();
            for (int i = 0; i < tablesNode.size(); i++) {
                String p = "tables[" + i + "]";
                TableMapping t = table(tablesNode.get(i), p);
                if (!targets.add(t.target())) {
                    throw error(p + ".target", "target table " + t.target() + " is mapped twice");
                }
                if (!sources.add(t.source())) {
                    throw error(p + ".source", "source table " + t.source() + " is mapped twice");
                }
                tables.add(t);
            }
            return new Plan(v.intValue(), name, tables);
        }

        TableMapping table(JsonNode n, String p) {
            ObjectNode o = object(n, p, Set.of("source", "target", "key", "columns", "dropped", "reverse"));
            TableRef source = ref(required(o, p, "source"), p + ".source");
            TableRef target = ref(required(o, p, "target"), p + ".target");
            List<String> key = names(required(o, p, "key"), p + ".key");
            if (key.isEmpty()) {
                throw error(p + ".key", "needs at least one key column");
            }
            List<ColumnMapping> columns = mappingList(required(o, p, "columns"), p + ".columns", target);
            if (columns.isEmpty()) {
                throw error(p + ".columns", "needs at least one column mapping");
            }
            List<String> dropped = o.has("dropped") ? names(o.get("dropped"), p + ".dropped") : List.of();
            List<ColumnMapping> reverse = o.has("reverse") ? mappingList(o.get("reverse"), p + ".reverse", source) : List.of();
            for (int k = 0; k < key.size(); k++) {
                String col = key.get(k);
                if (columns.stream().noneMatch(c -> SqlNames.isBareReference(c.expr(), col))) {
                    throw error(p + ".key[" + k + "]", "key column \"" + col + "\" must be mapped unchanged to a target column"
                            + " (a column whose expr is just " + SqlNames.quote(col) + ")");
                }
                if (dropped.contains(col)) {
                    throw error(p + ".dropped", "key column \"" + col + "\" cannot be dropped");
                }
            }
            return new TableMapping(source, target, key, columns, dropped, reverse);
        }

        TableRef ref(JsonNode n, String p) {
            ObjectNode o = object(n, p, Set.of("schema", "table"));
            String schema = text(o, p, "schema");
            String table = text(o, p, "table");
            if (schema.isEmpty()) {
                throw error(p + ".schema", "must be non-empty");
            }
            if (table.isEmpty()) {
                throw error(p + ".table", "must be non-empty");
            }
            return new TableRef(schema, table);
        }

        /** {@code into}: the table the mappings fill (named in the message of a refused expression). */
        List<ColumnMapping> mappingList(JsonNode n, String p, TableRef into) {
            ArrayNode a = array(n, p);
            List<ColumnMapping> out = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < a.size(); i++) {
                String ip = p + "[" + i + "]";
                ObjectNode o = object(a.get(i), ip, Set.of("target", "expr"));
                String target = text(o, ip, "target");
                String expr = text(o, ip, "expr");
                if (target.isEmpty()) {
                    throw error(ip + ".target", "must be non-empty");
                }
                if (!seen.add(target)) {
                    throw error(ip + ".target", "duplicate target column \"" + target + "\"");
                }
                String problem = Expressions.problem(expr);
                if (problem != null) {
                    throw error(ip + ".expr", "expression for " + into + "." + SqlNames.quote(target) + " refused: " + problem);
                }
                out.add(new ColumnMapping(target, expr));
            }
            return out;
        }

        List<String> names(JsonNode n, String p) {
            ArrayNode a = array(n, p);
            List<String> out = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                JsonNode e = a.get(i);
                if (!e.isTextual() || e.textValue().isEmpty()) {
                    throw error(p + "[" + i + "]", "must be a non-empty string (a column name)");
                }
                if (out.contains(e.textValue())) {
                    throw error(p + "[" + i + "]", "\"" + e.textValue() + "\" is listed twice");
                }
                out.add(e.textValue());
            }
            return out;
        }

        ObjectNode object(JsonNode n, String p, Set<String> allowed) {
            if (n == null || !n.isObject()) {
                throw error(p, "must be a JSON object");
            }
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    throw error(join(p, f), "unknown field (expected " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
            return (ObjectNode) n;
        }

        ArrayNode array(JsonNode n, String p) {
            if (n == null || !n.isArray()) {
                throw error(p, "must be a JSON array");
            }
            return (ArrayNode) n;
        }

        JsonNode required(ObjectNode o, String p, String field) {
            JsonNode n = o.get(field);
            if (n == null || n.isNull()) {
                throw error(join(p, field), "missing");
            }
            return n;
        }

        String text(ObjectNode o, String p, String field) {
            JsonNode n = required(o, p, field);
            if (!n.isTextual()) {
                throw error(join(p, field), "must be a string");
            }
            return n.textValue();
        }

        private static String join(String p, String f) {
            return p.isEmpty() ? f : p + "." + f;
        }
    }
}
