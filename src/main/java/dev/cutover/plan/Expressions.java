package dev.cutover.plan;

/**
 * Lexical guard for transform expressions, applied before any SQL is built: an expression must
 * be one SQL expression, so it may not end a statement ({@code ;}), close a parenthesis it did
 * not open, or leave a string, quoted identifier, dollar quote or comment open. The database
 * then parses and types it inside a read-only transaction (plan check).
 */
public final class Expressions {
    private Expressions() {
    }

    /** Returns null when acceptable, else what is wrong (one phrase, no trailing period). */
    public static String problem(String expr) {
        if (expr == null || expr.isBlank()) {
            return "expression is empty";
        }
        int depth = 0;
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (expr.charAt(i - 1) == 'E' || expr.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(expr.charAt(i - 2)));
                int end = endOfString(expr, i + 1, escapes);
                if (end < 0) {
                    return "unterminated string literal at position " + (i + 1);
                }
                i = end;
            } else if (c == '"') {
                int end = expr.indexOf('"', i + 1);
                while (end >= 0 && end + 1 < n && expr.charAt(end + 1) == '"') {
                    end = expr.indexOf('"', end + 2);
                }
                if (end < 0) {
                    return "unterminated quoted identifier at position " + (i + 1);
                }
                i = end + 1;
            } else if (c == '$' && (i == 0 || !Character.isLetterOrDigit(expr.charAt(i - 1)) && expr.charAt(i - 1) != '_')) {
                int tagEnd = expr.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? null : expr.substring(i, tagEnd + 1);
                if (tag != null && tag.matches("\\$[A-Za-z_]?[A-Za-z0-9_]*\\$")) {
                    int close = expr.indexOf(tag, tagEnd + 1);
                    if (close < 0) {
                        return "unterminated dollar-quoted string at position " + (i + 1);
                    }
                    i = close + tag.length();
                } else {
                    i++;
                }
            } else if (c == '-' && i + 1 < n && expr.charAt(i + 1) == '-') {
                return "line comment (--) at position " + (i + 1) + " is not allowed in an expression";
            } else if (c == '/' && i + 1 < n && expr.charAt(i + 1) == '*') {
                int close = expr.indexOf("*/", i + 2);
                if (close < 0) {
                    return "unterminated comment at position " + (i + 1);
                }
                i = close + 2;
            } else if (c == ';') {
                return "';' at position " + (i + 1) + ": a transform must be a single expression, not statements";
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                if (--depth < 0) {
                    return "unbalanced ')' at position " + (i + 1);
                }
                i++;
            } else {
                i++;
            }
        }
        return depth == 0 ? null : "unbalanced '(' (" + depth + " not closed)";
    }

    private static int endOfString(String s, int from, boolean backslashEscapes) {
        int i = from;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * The identifiers an expression names outside string literals and comments: unquoted ones
     * folded to lower case, quoted ones exact. Used to tell which source columns a mapping reads.
     */
    public static java.util.Set<String> identifiers(String expr) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        int i = 0;
        int n = expr.length();
        while (i < n) {
            char c = expr.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (expr.charAt(i - 1) == 'E' || expr.charAt(i - 1) == 'e');
                int end = endOfString(expr, i + 1, escapes);
                i = end < 0 ? n : end;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder b = new StringBuilder();
                while (end < n) {
                    if (expr.charAt(end) == '"') {
                        if (end + 1 < n && expr.charAt(end + 1) == '"') {
                            b.append('"');
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    b.append(expr.charAt(end++));
                }
                out.add(b.toString());
                i = end + 1;
            } else if (c == '$' && i + 1 < n && (expr.charAt(i + 1) == '$' || Character.isLetter(expr.charAt(i + 1)))) {
                int tagEnd = expr.indexOf('$', i + 1);
                String tag = tagEnd < 0 ? "" : expr.substring(i, tagEnd + 1);
                int close = tag.matches("\\$[A-Za-z_]?[A-Za-z0-9_]*\\$") ? expr.indexOf(tag, tagEnd + 1) : -1;
                i = close < 0 ? i + 1 : close + tag.length();
            } else if (c == '/' && i + 1 < n && expr.charAt(i + 1) == '*') {
                int close = expr.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (Character.isLetter(c) || c == '_') {
                int end = i;
                while (end < n && (Character.isLetterOrDigit(expr.charAt(end)) || expr.charAt(end) == '_' || expr.charAt(end) == '$')) {
                    end++;
                }
                boolean isStringPrefix = end < n && expr.charAt(end) == '\'' && end - i == 1;
                if (!isStringPrefix) {
                    out.add(expr.substring(i, end).toLowerCase(java.util.Locale.ROOT));
                }
                i = end;
            } else {
                i++;
            }
        }
        return out;
    }
}
