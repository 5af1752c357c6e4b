package dev.cutover.plan;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The rule for every SQL expression a plan carries (forward {@code columns}, {@code reverse}):
 * it is exactly one SQL expression, or it is refused. Checked with {@link SqlLexer} (PostgreSQL's
 * lexical rules) under both settings of {@code standard_conforming_strings}: no {@code ;}, no
 * {@code )} it did not open, nothing left open (string, quoted identifier, dollar quote, nested
 * comment), no line comment (it would swallow the text the engine puts after the expression), no
 * parameter. Applied when the plan is read ({@link PlanFile}) and again on every statement that
 * carries an expression before it is sent ({@link SqlLexer#statementProblem}).
 *
 * <p>A short denylist of functions whose effect escapes the read-only transaction or the database,
 * or that only slow it down, is refused too ({@link #DENIED}). It is a tripwire, not a boundary:
 * a user-defined function can do anything its owner allows, so plan files are reviewed like
 * migrations (docs/security.md).
 */
public final class Expressions {
    /** Function names refused in an expression (a name followed by {@code (}), exact. */
    public static final Set<String> DENIED = Set.of(
            "set_config", "pg_reload_conf", "pg_rotate_logfile", "pg_switch_wal", "pg_promote", "pg_notify",
            "pg_stat_file", "pg_terminate_backend", "pg_cancel_backend", "pg_import_system_collations",
            "nextval", "setval", "loread", "lowrite", "query_to_xml", "query_to_xmlschema",
            "query_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "pg_log_backend_memory_contexts");
    /** Function name prefixes refused: dblink, large objects, server files, sleeps, advisory locks, replication, backups. */
    public static final List<String> DENIED_PREFIXES = List.of(
            "dblink", "lo_", "pg_read_", "pg_ls_", "pg_file_", "pg_sleep", "pg_advisory_", "pg_try_advisory_",
            "pg_logical_", "pg_replication_", "pg_create_", "pg_drop_replication", "pg_backup_", "pg_stat_reset",
            "pg_start_backup", "pg_stop_backup");

    private Expressions() {
    }

    /** Returns null when acceptable, else what is wrong (one phrase, no trailing period). */
    public static String problem(String expr) {
        if (expr == null || expr.isBlank()) {
            return "expression is empty";
        }
        for (boolean conforming : new boolean[] {true, false}) {
            String suffix = conforming ? "" : " (when standard_conforming_strings is off; write E'...' for backslash escapes)";
            SqlLexer.Result r = SqlLexer.lex(expr, conforming);
            if (!r.ok()) {
                return r.error() + suffix;
            }
            String p = SqlLexer.structureProblem(r.tokens(), true);
            if (p != null) {
                return p + suffix;
            }
            p = deniedCall(r.tokens());
            if (p != null) {
                return p;
            }
        }
        return null;
    }

    private static String deniedCall(List<SqlLexer.Token> tokens) {
        for (int i = 0; i + 1 < tokens.size(); i++) {
            SqlLexer.Token t = tokens.get(i);
            int j = i + 1;
            while (j < tokens.size() && tokens.get(j).kind() == SqlLexer.Kind.BLOCK_COMMENT) {
                j++;
            }
            if (j >= tokens.size() || tokens.get(j).kind() != SqlLexer.Kind.OPEN_PAREN) {
                continue;
            }
            if (t.kind() == SqlLexer.Kind.UNICODE_IDENTIFIER) {
                return "a function named with a U&\"...\" identifier at position " + (t.start() + 1) + " is not allowed";
            }
            if (t.kind() == SqlLexer.Kind.IDENTIFIER || t.kind() == SqlLexer.Kind.QUOTED_IDENTIFIER) {
                String name = t.name();
                if (DENIED.contains(name) || DENIED_PREFIXES.stream().anyMatch(name::startsWith)) {
                    return "function " + name + "() at position " + (t.start() + 1) + " is not allowed in a transform"
                            + " (it acts outside the row: sessions, files, locks, other connections or time)";
                }
            }
        }
        return null;
    }

    /**
     * The identifiers an expression names outside string literals and comments: unquoted ones
     * folded to lower case, quoted ones exact. Used to tell which source columns a mapping reads.
     */
    public static Set<String> identifiers(String expr) {
        Set<String> out = new LinkedHashSet<>();
        for (SqlLexer.Token t : SqlLexer.lex(expr, true).tokens()) {
            if (t.kind() == SqlLexer.Kind.IDENTIFIER || t.kind() == SqlLexer.Kind.QUOTED_IDENTIFIER) {
                out.add(t.name());
            }
        }
        return out;
    }
}
