package dev.cutover.sql;

import dev.cutover.plan.PlanException;
import dev.cutover.plan.SqlLexer;

/**
 * The choke point every statement that carries a plan expression passes through before it is
 * sent (the renderers of this package, the plan check's dry run and expression probe): the final
 * text must be exactly one statement for the server under either {@code standard_conforming_strings}
 * and for pgjdbc, which splits a query string on top-level semicolons on the client (even for a
 * prepared statement) and whose COPY goes out in the simple protocol, where the server itself runs
 * every statement it is given. The plan reader refuses such expressions already; this is the same
 * rule applied again where it matters, so no path can skip it.
 */
public final class OneStatement {
    private OneStatement() {
    }

    /** {@code sql} unchanged, or a {@link PlanException} saying why it is not exactly one statement. */
    public static String of(String sql) {
        String problem = SqlLexer.statementProblem(sql);
        if (problem != null) {
            throw new PlanException("refused to send a statement built from the plan: it is not exactly one statement ("
                    + problem + "); every plan expression must be one SQL expression");
        }
        return sql;
    }
}
