package dev.cutover.ui.verify;

import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.Tooltip;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * A name read whole in a narrow column: a table's ({@code schema.table}), a key ({@code {"id":7}}),
 * a difference's kind and columns, a query's name; broken onto lines after its ".", "_", ",", ":"
 * and spaces (within a part only when the part alone is wider than the column), never cut with "…".
 */
public final class NameLines {
    /** The cell's padding, at least: the theme's is 0.58 em a side. */
    private static final double PADDING = 18;

    private NameLines() {
    }

    /**
     * {@code name} with line breaks so that no line is wider than {@code width} as {@code measure}
     * measures it: after a "." or "_" where it can, inside a part only when that part alone is too
     * wide. The characters are all kept; the lines joined give the name back.
     */
    static String lines(String name, double width, ToDoubleFunction<String> measure) {
        if (name == null || name.isEmpty() || measure.applyAsDouble(name) <= width) {
            return name;
        }
        StringBuilder out = new StringBuilder();
        String line = "";
        for (String part : parts(name)) {
            if (measure.applyAsDouble(line + part) <= width) {
                line += part;
                continue;
            }
            if (!line.isEmpty()) {
                out.append(line).append('\n');
                line = "";
            }
            // a part wider than the column on its own: as many characters a line as fit (one at least)
            while (measure.applyAsDouble(part) > width && part.length() > 1) {
                int n = 1;
                while (n < part.length() && measure.applyAsDouble(part.substring(0, n + 1)) <= width) {
                    n++;
                }
                out.append(part, 0, n).append('\n');
                part = part.substring(n);
            }
            line = part;
        }
        return out.append(line).toString();
    }

    /** "public.", "customer_", "orders": each part ends after its ".", "_", ",", ":" or space. */
    private static java.util.List<String> parts(String name) {
        java.util.List<String> out = new java.util.ArrayList<>();
        int from = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.' || c == '_' || c == ',' || c == ':' || c == ' ') {
                out.add(name.substring(from, i + 1));
                from = i + 1;
            }
        }
        if (from < name.length()) {
            out.add(name.substring(from));
        }
        return out;
    }

    /**
     * A column of table names: each cell breaks its name onto as many lines as the column's width
     * needs ({@link #lines}), refitted when the column is resized; the whole name in its tooltip too.
     */
    public static <T> TableColumn<T, String> column(String header, double width, Function<T, String> value) {
        TableColumn<T, String> c = dev.cutover.ui.Views.column(header, width, value);
        c.setCellFactory(col -> new TableCell<>() {
            private String name;

            {
                col.widthProperty().addListener((o, a, b) -> fit());
                fontProperty().addListener((o, a, b) -> fit());
            }

            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                name = empty ? null : s;
                setTooltip(name == null || name.isEmpty() ? null : new Tooltip(name));
                fit();
            }

            private void fit() {
                if (name == null) {
                    setText(null);
                    return;
                }
                double inner = col.getWidth() - Math.max(PADDING, snappedLeftInset() + snappedRightInset() + 2);
                Font font = getFont();
                String text = lines(name, inner, s -> width(s, font));
                if (!text.equals(getText())) {
                    setText(text);
                }
            }
        });
        return c;
    }

    private static double width(String s, Font font) {
        Text t = new Text(s);
        t.setFont(font);
        return t.getLayoutBounds().getWidth();
    }
}
