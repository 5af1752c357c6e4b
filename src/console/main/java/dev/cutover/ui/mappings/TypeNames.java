package dev.cutover.ui.mappings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PostgreSQL's short names for the long SQL-standard type names {@code format_type} gives
 * ({@code timestamp with time zone} → {@code timestamptz}, {@code character varying(200)} →
 * {@code varchar(200)}), so the schema trees and the grid stay readable in narrow panes. The same
 * types to the server; the full name stays in the tooltip.
 */
final class TypeNames {
    private static final Pattern TIME = Pattern.compile("(timestamp|time)(\\(\\d+\\))? with(out)? time zone(\\[])?");

    private TypeNames() {
    }

    static String shortName(String type) {
        if (type == null) {
            return null;
        }
        Matcher m = TIME.matcher(type);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String precision = m.group(2) == null ? "" : m.group(2);
            String zone = m.group(3) == null ? "tz" : "";
            String array = m.group(4) == null ? "" : m.group(4);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + zone + precision + array));
        }
        m.appendTail(out);
        return out.toString().replace("character varying", "varchar").replace("character(", "char(")
                .replace("double precision", "float8");
    }
}
