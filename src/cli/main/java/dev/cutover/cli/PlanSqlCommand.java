package dev.cutover.cli;

import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.PlanSql;
import dev.cutover.sql.SqlPreview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Callable;

/** {@code cutover plan sql --plan F [--table T]}: prints the SQL the engine will run, as the console previews it. */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Print the statements the engine runs for each table (the console's SQL preview).")
public final class PlanSqlCommand implements Callable<Integer> {
    @Mixin
    PlanOptions plan;

    @Mixin
    Connections connections;

    @Option(names = "--table", paramLabel = "T", description = "only this table")
    String table;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var p = plan.plan();
        try (Connection o = connections.oldDb().connect(); Connection n = connections.newDb().connect()) {
            PlanSql bound = PlanSql.load(p, o, n);
            var out = spec.commandLine().getOut();
            for (MappingSql m : bound.select(table)) {
                out.println("-- " + m.mapping().source() + " -> " + m.mapping().target());
                out.println(SqlPreview.text(m));
            }
            out.flush();
            return ExitCodes.OK;
        } catch (SQLException e) {
            throw new DbException(Sql.message(e), e);
        }
    }
}
