package dev.cutover.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tokenizer that follows PostgreSQL's lexical rules (src/backend/parser/scan.l) as far as they
 * decide where a token starts and ends: nested block comments, line comments, quoted identifiers,
 * {@code U&""} identifiers, standard strings (backslash literal or escape, by
 * {@code standard_conforming_strings}), {@code E''} strings, {@code U&''} strings, {@code B''}/{@code X''}
 * bit strings, dollar quotes with tags, numbers, parameters, operators and punctuation.
 *
 * <p>It is deliberately stricter than the server where the two could disagree with each other or
 * with pgjdbc's own statement splitter: a number directly followed by a letter or {@code $}
 * ("trailing junk", an error from PostgreSQL 15 on, two tokens before), string literals continued
 * across a line break, and any character PostgreSQL would only reject later ({@code \}, {@code {},
 * {@code }}) are errors here. Whoever uses the tokens decides what is allowed
 * ({@link Expressions#problem}, {@link #statementProblem}).
 */
public final class SqlLexer {
    /** What a token is. Whitespace is not a token; comments are. */
    public enum Kind {
        IDENTIFIER, QUOTED_IDENTIFIER, UNICODE_IDENTIFIER, STRING, NUMBER, PARAMETER, OPERATOR,
        OPEN_PAREN, CLOSE_PAREN, SEMICOLON, PUNCTUATION, LINE_COMMENT, BLOCK_COMMENT
    }

    /**
     * One token: its kind, where it is ({@code start} inclusive, {@code end} exclusive, 0-based) and,
     * for identifiers, the name as the server sees it (unquoted ones folded to lower case).
     */
    public record Token(Kind kind, int start, int end, String name) {
    }

    /** The tokens, or the first lexical error (one phrase naming the 1-based position). */
    public record Result(List<Token> tokens, String error) {
        public boolean ok() {
            return error == null;
        }
    }

    private static final String OP_CHARS = "~!@#^&|`?+-*/%<>=";
    private static final String SELF_CHARS = ",[].:";

    private final String s;
    private final boolean conforming;
    private final int n;
    private final List<Token> out = new ArrayList<>();
    private int continuationAt = -1;

    private SqlLexer(String s, boolean standardConformingStrings) {
        this.s = s;
        this.conforming = standardConformingStrings;
        this.n = s.length();
    }

    /** Tokenizes {@code sql} as a server with this {@code standard_conforming_strings} setting would. */
    public static Result lex(String sql, boolean standardConformingStrings) {
        SqlLexer l = new SqlLexer(sql, standardConformingStrings);
        String error = l.run();
        return new Result(List.copyOf(l.out), error);
    }

    /**
     * Null when {@code sql} is exactly one statement under either setting of
     * {@code standard_conforming_strings}, for the server and for pgjdbc (which splits a query string
     * on top-level semicolons on the client, even for a prepared statement): no semicolon outside a
     * string, quoted identifier or comment, nothing left open, parentheses balanced. Else what is wrong.
     */
    public static String statementProblem(String sql) {
        if (sql == null || sql.isBlank()) {
            return "the statement is empty";
        }
        for (boolean conforming : new boolean[] {true, false}) {
            Result r = lex(sql, conforming);
            String p = r.ok() ? structureProblem(r.tokens(), false) : r.error();
            if (p != null) {
                return p + (conforming ? "" : " (when standard_conforming_strings is off)");
            }
            try {
                int parts = org.postgresql.core.Parser.parseJdbcSql(sql, conforming, true, true, false, false).size();
                if (parts != 1) {
                    return "the driver would send it as " + parts + " statements";
                }
            } catch (java.sql.SQLException e) {
                return "the driver cannot parse it: " + e.getMessage();
            }
        }
        return null;
    }

    /** Semicolons, parentheses and (if not allowed) line comments over a token list. */
    static String structureProblem(List<Token> tokens, boolean forbidLineComments) {
        int depth = 0;
        for (Token t : tokens) {
            switch (t.kind()) {
                case SEMICOLON -> {
                    return "';' at position " + (t.start() + 1) + ": only one statement is allowed, a transform is a single expression";
                }
                case LINE_COMMENT -> {
                    if (forbidLineComments) {
                        return "line comment (--) at position " + (t.start() + 1) + " is not allowed in an expression";
                    }
                }
                case PARAMETER -> {
                    return "parameter at position " + (t.start() + 1) + " is not allowed";
                }
                case OPEN_PAREN -> depth++;
                case CLOSE_PAREN -> {
                    if (--depth < 0) {
                        return "unbalanced ')' at position " + (t.start() + 1);
                    }
                }
                default -> {
                }
            }
        }
        return depth == 0 ? null : "unbalanced '(' (" + depth + " not closed)";
    }

    private String run() {
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int start = i;
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
                out.add(new Token(Kind.LINE_COMMENT, start, i, null));
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (s.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (s.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                if (depth > 0) {
                    return "unterminated comment at position " + (start + 1) + " (comments nest: each /* needs its own */)";
                }
                out.add(new Token(Kind.BLOCK_COMMENT, start, i, null));
            } else if (c == '\'') {
                i = string(i + 1, !conforming, true);
                if (i < 0) {
                    return stringError(start, "string literal");
                }
                i = token(Kind.STRING, start, i);
            } else if (c == '"') {
                i = quotedIdentifier(start, start + 1, Kind.QUOTED_IDENTIFIER);
                if (i < 0) {
                    return "unterminated quoted identifier (or an empty one) at position " + (start + 1);
                }
            } else if (c == '$') {
                if (i + 1 < n && isDigit(s.charAt(i + 1))) {
                    i++;
                    while (i < n && isDigit(s.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Kind.PARAMETER, start, i, null));
                    if (i < n && isIdentCont(s.charAt(i))) {
                        return "trailing junk after parameter at position " + (start + 1);
                    }
                    continue;
                }
                int tagEnd = i + 1;
                if (tagEnd < n && isIdentStart(s.charAt(tagEnd))) { // a tag: letters, digits, _ (no $), not starting with a digit
                    while (tagEnd < n && (isIdentStart(s.charAt(tagEnd)) || isDigit(s.charAt(tagEnd)))) {
                        tagEnd++;
                    }
                }
                if (tagEnd >= n || s.charAt(tagEnd) != '$') {
                    return "unexpected '$' at position " + (start + 1);
                }
                String tag = s.substring(i, tagEnd + 1);
                int close = s.indexOf(tag, tagEnd + 1);
                if (close < 0) {
                    return "unterminated dollar-quoted string at position " + (start + 1);
                }
                i = token(Kind.STRING, start, close + tag.length());
            } else if (isIdentStart(c)) {
                char next = i + 1 < n ? s.charAt(i + 1) : 0;
                char lower = Character.toLowerCase(c);
                if (next == '\'' && lower == 'e') {
                    i = string(i + 2, true, true);
                    if (i < 0) {
                        return stringError(start, "string literal");
                    }
                    i = token(Kind.STRING, start, i);
                } else if (next == '\'' && (lower == 'b' || lower == 'x')) {
                    i = string(i + 2, false, false);
                    if (i < 0) {
                        return stringError(start, "bit-string literal");
                    }
                    i = token(Kind.STRING, start, i);
                } else if (lower == 'u' && next == '&' && i + 2 < n && s.charAt(i + 2) == '\'') {
                    // With standard_conforming_strings off the server refuses U&'' strings; read it as
                    // pgjdbc does then (backslash escapes), so that both views must agree.
                    i = string(i + 3, !conforming, true);
                    if (i < 0) {
                        return stringError(start, "string literal");
                    }
                    i = token(Kind.STRING, start, i);
                } else if (lower == 'u' && next == '&' && i + 2 < n && s.charAt(i + 2) == '"') {
                    i = quotedIdentifier(start, i + 3, Kind.UNICODE_IDENTIFIER);
                    if (i < 0) {
                        return "unterminated quoted identifier (or an empty one) at position " + (start + 1);
                    }
                } else {
                    while (i < n && isIdentCont(s.charAt(i))) {
                        i++;
                    }
                    out.add(new Token(Kind.IDENTIFIER, start, i, s.substring(start, i).toLowerCase(Locale.ROOT)));
                }
            } else if (isDigit(c) || c == '.' && i + 1 < n && isDigit(s.charAt(i + 1))) {
                while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                if (i < n && s.charAt(i) == '.' && !(i + 1 < n && s.charAt(i + 1) == '.')) {
                    i++;
                    while (i < n && (isDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                        i++;
                    }
                }
                if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int j = i + 1;
                    if (j < n && (s.charAt(j) == '+' || s.charAt(j) == '-')) {
                        j++;
                    }
                    if (j < n && isDigit(s.charAt(j))) {
                        i = j;
                        while (i < n && isDigit(s.charAt(i))) {
                            i++;
                        }
                    }
                }
                out.add(new Token(Kind.NUMBER, start, i, null));
                if (i < n && (isIdentCont(s.charAt(i)) || s.charAt(i) == '\'' || s.charAt(i) == '"')) {
                    return "trailing junk after numeric literal at position " + (start + 1);
                }
            } else if (c == '(') {
                i = token(Kind.OPEN_PAREN, start, i + 1);
            } else if (c == ')') {
                i = token(Kind.CLOSE_PAREN, start, i + 1);
            } else if (c == ';') {
                i = token(Kind.SEMICOLON, start, i + 1);
            } else if (SELF_CHARS.indexOf(c) >= 0) {
                i = token(Kind.PUNCTUATION, start, i + 1);
            } else if (OP_CHARS.indexOf(c) >= 0) {
                // an operator ends where a comment starts, as in the server
                while (i < n && OP_CHARS.indexOf(s.charAt(i)) >= 0 && !s.startsWith("/*", i) && !s.startsWith("--", i)) {
                    i++;
                }
                out.add(new Token(Kind.OPERATOR, start, i, null));
            } else {
                return "unexpected character '" + printable(c) + "' at position " + (start + 1);
            }
        }
        return null;
    }

    private String stringError(int start, String what) {
        return continuationAt >= 0
                ? "string literal continued across a line break at position " + (continuationAt + 1) + " (write one literal, or use ||)"
                : "unterminated " + what + " at position " + (start + 1);
    }

    private int token(Kind k, int start, int end) {
        out.add(new Token(k, start, end, null));
        return end;
    }

    /**
     * The index after the closing quote of a string whose body starts at {@code from}, or -1 when
     * it is not closed. {@code backslash}: a backslash escapes the next character; {@code doubling}:
     * {@code ''} is a quote. A string continued on the next line ({@code 'a'<newline>'b'}) is refused
     * ({@link #refuseContinuation}).
     */
    private int string(int from, boolean backslash, boolean doubling) {
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if (backslash && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (doubling && i + 1 < n && s.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return refuseContinuation(i + 1);
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * PostgreSQL joins two string literals separated only by whitespace that holds a line break,
     * and the second one then follows the first one's escape rules (an {@code E''} string makes the
     * next line's backslashes escapes). pgjdbc does not know that rule, so such text is refused.
     */
    private int refuseContinuation(int after) {
        int i = after;
        boolean newline = false;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r') {
                newline = true;
                i++;
            } else if (c == ' ' || c == '\t' || c == '\f') {
                i++;
            } else if (s.startsWith("--", i)) {
                while (i < n && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                    i++;
                }
            } else {
                break;
            }
        }
        if (newline && i < n && s.charAt(i) == '\'') {
            continuationAt = i;
            return -1;
        }
        return after;
    }

    private int quotedIdentifier(int start, int from, Kind kind) {
        StringBuilder b = new StringBuilder();
        int i = from;
        while (i < n) {
            char c = s.charAt(i);
            if (c == '"') {
                if (i + 1 < n && s.charAt(i + 1) == '"') {
                    b.append('"');
                    i += 2;
                    continue;
                }
                if (b.length() == 0) {
                    return -1;
                }
                out.add(new Token(kind, start, i + 1, b.toString()));
                return i + 1;
            }
            b.append(c);
            i++;
        }
        return -1;
    }

    /** ASCII digits only: other Unicode digits are identifier characters for the server. */
    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isIdentStart(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c > 127;
    }

    private static boolean isIdentCont(char c) {
        return isIdentStart(c) || c >= '0' && c <= '9' || c == '$';
    }

    private static String printable(char c) {
        return c < 32 || c == 127 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
