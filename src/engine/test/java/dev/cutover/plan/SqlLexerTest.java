package dev.cutover.plan;

import dev.cutover.sql.OneStatement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PostgreSQL's lexical rules, as far as the one-expression and one-statement rules depend on them. */
class SqlLexerTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "coalesce(a, /* outer /* inner; */ still a comment ) */ b)",
            "$$;$$ || $tag$ ) $$ ; $tag$ || $a$$b$ $a$",
            "E'it\\'s; fine' || E'\\\\'",
            "U&'d\\0061t\\+000061; )' || U&\"Note;Text\"",
            "regexp_replace(\"Full Name\", '\\s+', ' ', 'g')",
            "B'1010' || X'1F'",
            "(metadata->>'priority')::int + .5e3 * 1.25",
            "ARRAY[1, 2][1] IS NOT NULL AND a$b = 1",
            "a */ b",
            "'it''s'"})
    void acceptsExpressions(String expr) {
        assertThat(Expressions.problem(expr)).isNull();
    }

    @Test
    void nestedCommentsAndDollarTagsAreReadAsTheServerReadsThem() {
        assertThat(Expressions.problem("1 /* /* */ '*/ ) AS v; COMMIT; DROP TABLE public.victim; --'"))
                .startsWith("unbalanced ')'");
        assertThat(Expressions.problem("1 /* /* */")).startsWith("unterminated comment");
        assertThat(Expressions.problem("$a$ x $A$")).startsWith("unterminated dollar-quoted string");
        assertThat(Expressions.problem("x$$ || 1")).isNull(); // x$$ is one identifier, as in the server
        assertThat(Expressions.problem("1$$ ) ; $$")).startsWith("trailing junk after numeric literal");
    }

    @Test
    void aStringMustEndTheSameWhateverStandardConformingStrings() {
        assertThat(Expressions.problem("'C:\\' || ';'")).contains("standard_conforming_strings is off");
        assertThat(Expressions.problem("'\\'; DROP TABLE x; --'")).startsWith("';' at position");
        assertThat(Expressions.problem("E'a'\n'\\' ; x --'")).startsWith("string literal continued across a line break");
    }

    @Test
    void refusesFunctionsThatActOutsideTheRow() {
        assertThat(Expressions.problem("set_config('default_transaction_read_only', 'off', false)")).contains("set_config()");
        assertThat(Expressions.problem("pg_catalog.PG_SLEEP (1)")).contains("pg_sleep()");
        assertThat(Expressions.problem("\"dblink_exec\"('x', 'y')")).contains("dblink_exec()");
        assertThat(Expressions.problem("U&\"\\0070g_sleep\"(1)")).contains("U&");
        assertThat(Expressions.problem("lo_import /* c */ ('/etc/passwd')")).contains("lo_import()");
        assertThat(Expressions.problem("pg_sleep + 1")).isNull(); // a column of that name is fine
    }

    @Test
    void theChokePointLetsOneStatementThrough() {
        assertThat(OneStatement.of("SELECT ';' AS \"a;b\" /* ; */")).isNotNull();
        assertThatThrownBy(() -> OneStatement.of("SELECT 1; SELECT 2")).isInstanceOf(PlanException.class)
                .hasMessageContaining("not exactly one statement");
        assertThatThrownBy(() -> OneStatement.of("SELECT (1 /* /* */ '*/ ) AS v; DROP TABLE x; --') AS v"))
                .hasMessageContaining("not exactly one statement");
        assertThatThrownBy(() -> OneStatement.of("COPY (SELECT 1) TO STDOUT; DROP TABLE x")).hasMessageContaining("';'");
    }
}
