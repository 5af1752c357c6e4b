package dev.cutover.ui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;

import java.util.ArrayList;
import java.util.List;

/**
 * The labels, buttons and cells a user sees cut: a shown {@link Labeled} whose painted text (its
 * skin's {@code LabeledText} child) is not its whole text — shortened with "…" or clipped away.
 */
public final class Elided {
    private Elided() {
    }

    /** "Start → S…" for each Labeled under {@code root} shown with less than its text; empty when all are whole. */
    public static List<String> under(Node root) {
        List<String> out = new ArrayList<>();
        walk(root, out);
        return out;
    }

    private static void walk(Node n, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof Labeled l && l.getText() != null && !l.getText().isBlank()) {
            String shown = painted(l);
            if (!l.getText().equals(shown)) {
                out.add(describe(l) + " \"" + l.getText() + "\" shown as \"" + shown + "\"");
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                walk(c, out);
            }
        }
    }

    /**
     * "#old-name: \"e.g. staging-old\" in 120 px" for each shown text field under {@code root} too narrow
     * for its text (or, empty, its prompt): a field scrolls or clips what does not fit, with no "…" to say so.
     */
    public static List<String> fields(Node root) {
        List<String> out = new ArrayList<>();
        fields(root, out);
        return out;
    }

    private static void fields(Node n, List<String> out) {
        if (!n.isVisible()) {
            return;
        }
        if (n instanceof javafx.scene.control.TextField f && !(n instanceof javafx.scene.control.PasswordField)) {
            String s = f.getText() == null || f.getText().isEmpty() ? f.getPromptText() : f.getText();
            if (s != null && !s.isEmpty()) {
                Text t = new Text(s);
                t.setFont(f.getFont());
                double inner = f.getWidth() - f.snappedLeftInset() - f.snappedRightInset();
                if (t.getLayoutBounds().getWidth() > inner + 0.5) {
                    out.add(describe(f) + ": \"" + s + "\" (" + Math.ceil(t.getLayoutBounds().getWidth()) + " px) in " + inner + " px");
                }
            }
        }
        if (n instanceof Parent p) {
            for (Node c : p.getChildrenUnmodifiable()) {
                fields(c, out);
            }
        }
    }

    /** The text the skin paints: its LabeledText child's, or "" when the skin paints none. */
    static String painted(Labeled l) {
        for (Node c : l.getChildrenUnmodifiable()) {
            if (c instanceof Text t && c.getClass().getSimpleName().equals("LabeledText")) {
                return c.isVisible() ? t.getText() : "";
            }
        }
        return "";
    }

    private static String describe(javafx.scene.control.Control l) {
        String id = l.getId() != null ? "#" + l.getId()
                : l.getClass().getSimpleName().isEmpty() ? l.getClass().getSuperclass().getSimpleName() : l.getClass().getSimpleName();
        Node p = l.getParent();
        while (p != null && p.getId() == null) {
            p = p.getParent();
        }
        return p == null ? id : id + " in #" + p.getId();
    }
}
