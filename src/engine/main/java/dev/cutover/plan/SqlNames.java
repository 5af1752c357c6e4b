package dev.cutover.plan;

import java.util.Optional;

/** Identifier quoting and recognition of bare column references, shared by the plan and the SQL renderer. */
public final class SqlNames {
    private SqlNames() {
    }

    /** Quotes an identifier exactly as written: {@code Note Text} becomes {@code "Note Text"}, {@code a"b} becomes {@code "a""b"}. */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code "schema"."table"}. */
    public static String quote(TableRef t) {
        return quote(t.schema()) + "." + quote(t.table());
    }

    /** Quotes a string literal (standard_conforming_strings on). */
    public static String literal(String s) {
        if (s.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("text contains a NUL character");
        }
        return "'" + s.replace("'", "''") + "'";
    }

    /** True when {@code expr} is just a reference to {@code column}: {@code id}, {@code "Id"}. */
    public static boolean isBareReference(String expr, String column) {
        return referencedColumn(expr).map(column::equals).orElse(false);
    }

    /**
     * The column an expression names when it is nothing but one column reference: a quoted
     * identifier taken exactly, or an unquoted one folded to lower case as PostgreSQL does.
     */
    public static Optional<String> referencedColumn(String expr) {
        String e = expr.strip();
        if (e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"")) {
            String inner = e.substring(1, e.length() - 1);
            if (inner.replace("\"\"", "").contains("\"") || inner.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(inner.replace("\"\"", "\""));
        }
        if (e.matches("[A-Za-z_][A-Za-z0-9_$]*") && !RESERVED.contains(e.toLowerCase(java.util.Locale.ROOT))) {
            return Optional.of(e.toLowerCase(java.util.Locale.ROOT));
        }
        return Optional.empty();
    }

    private static final java.util.Set<String> RESERVED = java.util.Set.of(
            "null", "true", "false", "current_date", "current_time", "current_timestamp", "current_user",
            "localtime", "localtimestamp", "session_user", "user", "default");
}
