package dev.cutover.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Locale;

/** The plan check's report for people (default) and as JSON ({@code --json}). */
public final class ReportFormat {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportFormat() {
    }

    public static String human(CheckReport r) {
        StringBuilder b = new StringBuilder();
        b.append("plan ").append(r.plan()).append(": ").append(r.tables().size())
                .append(r.tables().size() == 1 ? " table\n" : " tables\n");
        for (CheckReport.TableReport t : r.tables()) {
            b.append('\n').append(t.source()).append(" -> ").append(t.target());
            b.append(t.dryRunDone() ? String.format(Locale.ROOT, "  (dry run: %,d rows)", t.rowsChecked()) : "  (no dry run)");
            b.append('\n');
            if (t.findings().stream().noneMatch(f -> f.severity() != Severity.NOTE)) {
                b.append("  ok\n");
            }
            for (Severity s : Severity.values()) {
                for (Finding f : t.findings()) {
                    if (f.severity() == s) {
                        String label = s == Severity.NOTE ? "note" : s.name();
                        b.append("  ").append(String.format("%-8s ", label))
                                .append(f.column().isEmpty() ? "" : "[" + f.column() + "] ").append(f.message()).append('\n');
                    }
                }
            }
        }
        long p = r.count(Severity.PROBLEM);
        long w = r.count(Severity.WARNING);
        long n = r.count(Severity.NOTE);
        b.append('\n').append(r.clean() ? "clean" : "not clean").append(": ")
                .append(p).append(p == 1 ? " problem, " : " problems, ")
                .append(w).append(w == 1 ? " warning, " : " warnings, ")
                .append(n).append(n == 1 ? " note" : " notes").append('\n');
        return b.toString();
    }

    public static String json(CheckReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("plan", r.plan());
        root.put("clean", r.clean());
        root.put("problems", r.count(Severity.PROBLEM));
        root.put("warnings", r.count(Severity.WARNING));
        root.put("notes", r.count(Severity.NOTE));
        ArrayNode tables = root.putArray("tables");
        for (CheckReport.TableReport t : r.tables()) {
            ObjectNode o = tables.addObject();
            o.put("source", t.source());
            o.put("target", t.target());
            o.put("dry_run", t.dryRunDone());
            o.put("rows_checked", t.rowsChecked());
            ArrayNode fs = o.putArray("findings");
            for (Finding f : t.findings()) {
                ObjectNode fo = fs.addObject();
                fo.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
                fo.put("kind", f.kind());
                fo.put("column", f.column());
                fo.put("message", f.message());
                fo.put("rows", f.rows());
                ArrayNode keys = fo.putArray("keys");
                for (String k : f.keys()) {
                    try {
                        keys.add(JSON.readTree(k));
                    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                        keys.add(k);
                    }
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
