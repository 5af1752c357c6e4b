package dev.cutover.plan;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ExpressionsTest {
    @Test
    void acceptsOrdinaryExpressions() {
        assertThat(Expressions.problem("metadata->>'shipping_method'")).isNull();
        assertThat(Expressions.problem("(metadata->>'priority')::int")).isNull();
        assertThat(Expressions.problem("'a;b' || \"Note;Text\"")).isNull();
        assertThat(Expressions.problem("E'it\\'s; fine'")).isNull();
        assertThat(Expressions.problem("$$;$$ || $tag$ ) $tag$")).isNull();
        assertThat(Expressions.problem("coalesce(a, /* ; */ b)")).isNull();
    }

    @Test
    void rejectsWhatCouldEscapeTheExpression() {
        assertThat(Expressions.problem("1; DROP TABLE x")).contains("single expression");
        assertThat(Expressions.problem("1) FROM x; --")).contains("unbalanced ')'");
        assertThat(Expressions.problem("a -- comment")).contains("line comment");
        assertThat(Expressions.problem("'open")).contains("unterminated string");
        assertThat(Expressions.problem("\"open")).contains("unterminated quoted identifier");
        assertThat(Expressions.problem("(a")).contains("unbalanced '('");
        assertThat(Expressions.problem("  ")).contains("empty");
    }

    @Test
    void identifiersSkipStringsAndFoldCase() {
        assertThat(Expressions.identifiers("Metadata->>'priority' || \"Note Text\" || E'x'"))
                .contains("metadata", "Note Text").doesNotContain("priority", "e");
    }

    @Test
    void bareReferences() {
        assertThat(SqlNames.referencedColumn("Id")).contains("id");
        assertThat(SqlNames.referencedColumn("\"Id\"")).contains("Id");
        assertThat(SqlNames.referencedColumn("\"a\"\"b\"")).contains("a\"b");
        assertThat(SqlNames.referencedColumn("id + 1")).isEmpty();
        assertThat(SqlNames.referencedColumn("null")).isEmpty();
        assertThat(SqlNames.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}
