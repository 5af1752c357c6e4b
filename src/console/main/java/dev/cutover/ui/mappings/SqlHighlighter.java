package dev.cutover.ui.mappings;

import org.fxmisc.richtext.model.StyleSpans;
import org.fxmisc.richtext.model.StyleSpansBuilder;

import java.util.Collection;
import java.util.Collections;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Style spans for SQL text in a RichTextFX CodeArea: keywords, strings, numbers, quoted identifiers. */
public final class SqlHighlighter {
    private static final String[] KEYWORDS = {"select", "from", "where", "order", "by", "as", "and", "or", "not", "null",
        "is", "in", "case", "when", "then", "else", "end", "cast", "insert", "into", "values", "on", "conflict", "do",
        "update", "set", "delete", "limit", "collate", "true", "false", "distinct", "excluded", "using", "with", "like",
        "ilike", "between", "coalesce", "nullif", "exists"};
    private static final Pattern PATTERN = Pattern.compile(
            "(?<STRING>'([^']|'')*'?)"
                    + "|(?<QUOTED>\"([^\"]|\"\")*\"?)"
                    + "|(?<KEYWORD>\\b(?i:" + String.join("|", KEYWORDS) + ")\\b)"
                    + "|(?<NUMBER>\\b\\d+(\\.\\d+)?\\b)"
                    + "|(?<OPERATOR>::|->>|->|[=<>!|+*/%-]+)");

    private SqlHighlighter() {
    }

    public static StyleSpans<Collection<String>> styles(String text) {
        Matcher m = PATTERN.matcher(text);
        int last = 0;
        StyleSpansBuilder<Collection<String>> b = new StyleSpansBuilder<>();
        while (m.find()) {
            String cls = m.group("STRING") != null ? "string"
                    : m.group("QUOTED") != null ? "quoted-identifier"
                    : m.group("KEYWORD") != null ? "keyword"
                    : m.group("NUMBER") != null ? "number" : "operator";
            b.add(Collections.emptyList(), m.start() - last);
            b.add(Collections.singleton(cls), m.end() - m.start());
            last = m.end();
        }
        b.add(Collections.emptyList(), text.length() - last);
        return b.create();
    }
}
