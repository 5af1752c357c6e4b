package dev.cutover.check;

import dev.cutover.pg.Sql;
import dev.cutover.plan.Expressions;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.OneStatement;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Asks the database to parse and type one transform expression over one table, without reading a
 * row: {@code SELECT (expr)[::cast] FROM table AS src LIMIT 0} inside a read-only transaction that
 * is rolled back (which also undoes any {@code set_config} the expression calls), on a connection
 * that is read-only at the session level ({@link dev.cutover.pg.Db#connectReadOnly()}). The
 * expression is refused before anything is sent unless it is one expression
 * ({@link Expressions#problem}) and the statement exactly one statement ({@link OneStatement}).
 * Used by the plan check and by the console's live preview (errors within a second).
 */
public final class ExpressionProbe {

    /**
     * The outcome. {@code ok}: parses and (if a cast was asked) casts; {@code type}: the expression's
     * own type as the database names it; {@code error}: the database's message; {@code position}:
     * 1-based character in the expression the error points at (0 if none).
     */
    public record Result(boolean ok, String type, String error, int position) {
        public static Result failed(String error, int position) {
            return new Result(false, "", error, position);
        }

        /** The error with its position, for one-line messages. */
        public String describe() {
            return error + (position > 0 ? " (at character " + position + " of the expression)" : "");
        }
    }

    private ExpressionProbe() {
    }

    /**
     * Probes {@code expr} over rows of {@code table}; with {@code cast} non-empty also checks that
     * the value can be cast to it. The connection's autocommit state is restored.
     */
    public static Result probe(Connection c, TableRef table, String expr, String cast) {
        String lexical = Expressions.problem(expr);
        if (lexical != null) {
            return Result.failed(lexical, 0);
        }
        String prefix = "SELECT (";
        String plain = prefix + expr + ") AS v FROM " + SqlNames.quote(table) + " AS src LIMIT 0";
        String withCast = cast == null || cast.isEmpty() ? null
                : prefix + expr + ")::" + cast + " AS v FROM " + SqlNames.quote(table) + " AS src LIMIT 0";
        try {
            OneStatement.of(plain);
            if (withCast != null) {
                OneStatement.of(withCast);
            }
        } catch (PlanException e) {
            return Result.failed(e.getMessage(), 0);
        }
        boolean auto;
        try {
            auto = c.getAutoCommit();
        } catch (SQLException e) {
            return Result.failed(Sql.message(e), 0);
        }
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET TRANSACTION READ ONLY");
                s.execute("SET LOCAL statement_timeout = '5s'");
                String type;
                try (ResultSet rs = s.executeQuery(plain)) {
                    type = rs.getMetaData().getColumnTypeName(1);
                } catch (SQLException e) {
                    return failure(e, prefix.length());
                }
                if (withCast != null) {
                    s.execute("SAVEPOINT cast_probe");
                    try (ResultSet rs = s.executeQuery(withCast)) {
                        rs.next();
                    } catch (SQLException e) {
                        return new Result(false, type, "value of type " + type + " cannot become " + cast + ": "
                                + Sql.message(e), 0);
                    }
                }
                return new Result(true, type, "", 0);
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            return Result.failed(Sql.message(e), 0);
        }
    }

    private static Result failure(SQLException e, int prefixLength) {
        int pos = Sql.position(e);
        return Result.failed(Sql.message(e), pos > prefixLength ? pos - prefixLength : 0);
    }
}
