package dev.cutover.check;

import dev.cutover.pg.Schema;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Expressions;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Checks one transform expression the way the engine will run it, without reading a row: the
 * lexical guard ({@link Expressions}), then {@code SELECT (expr)::cast AS "col" FROM "s"."t" AS src LIMIT 0}
 * (the projection exactly as {@link Flow.Projected#select()} renders it) inside a READ ONLY
 * transaction that is rolled back. The database parses and types it, so a misspelt column, a
 * wrong function or a cast that can never work is reported in the database's own words.
 * Used by the console's expression editor (as you type) and usable by the plan check.
 */
public final class ExpressionProbe {
    private static final String PREFIX = "SELECT (";

    private ExpressionProbe() {
    }

    /**
     * Null when {@code expr} over one row of {@code source} can produce {@code target}'s value, else
     * what is wrong in one line (with the character of the expression the database points at).
     */
    public static String problem(Connection c, TableRef source, Schema.Column target, String expr) throws SQLException {
        String lexical = Expressions.problem(expr);
        if (lexical != null) {
            return lexical;
        }
        String sql = statement(source, target, expr);
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("SET TRANSACTION READ ONLY");
            s.execute("SET LOCAL statement_timeout = '5s'");
            s.executeQuery(sql).close();
            return null;
        } catch (SQLException e) {
            if (Sql.state(e).startsWith("08")) {
                throw e;
            }
            String msg = Sql.message(e);
            int pos = Sql.position(e) - PREFIX.length();
            if (pos >= 1 && pos <= expr.length()) {
                msg += " (at character " + pos + " of the expression)";
            }
            return msg;
        } finally {
            if (!c.isClosed()) {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        }
    }

    /** The statement run: the engine's projection of the one column, over no rows. */
    public static String statement(TableRef source, Schema.Column target, String expr) {
        Flow.Projected p = new Flow.Projected(target.name(), expr, MappingSql.castTo(target), target.type());
        String select = "SELECT " + p.select();
        if (!select.startsWith(PREFIX)) {
            throw new IllegalStateException("unexpected projection form: " + select);
        }
        return select + " FROM " + SqlNames.quote(source) + " AS src LIMIT 0";
    }
}
