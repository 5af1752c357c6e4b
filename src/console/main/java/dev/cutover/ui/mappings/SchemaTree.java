package dev.cutover.ui.mappings;

import dev.cutover.pg.Schema;
import dev.cutover.plan.TableRef;
import javafx.beans.property.ObjectProperty;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;

import java.text.NumberFormat;
import java.util.Locale;
import java.util.function.Consumer;

/** A schema as a tree: tables (with row estimates), their columns with types, key columns marked. */
public final class SchemaTree extends TreeView<SchemaTree.Node> {
    /** A table (column null) or a column of it. */
    public record Node(TableRef table, Schema.Column column, boolean key, long rows) {
        public String text() {
            if (column == null) {
                return table + "   ~" + NumberFormat.getIntegerInstance(Locale.ROOT).format(rows) + " rows";
            }
            return column.name() + "   " + TypeNames.shortName(column.type()) + (key ? "   · key" : "")
                    + (column.notNull() && !key ? "   · not null" : "");
        }
    }

    /** A level's indent and the disclosure arrow's width (modena: -fx-indent 10 px; the arrow and its padding) that the skin puts left of a cell's text. */
    private static final double INDENT = 10;
    private static final double ARROW = 22;

    /** The node being dragged out of an old-schema tree (a full press-drag-release gesture, no platform clipboard). */
    static Node dragged;

    public SchemaTree(String id, ObjectProperty<Schema> schema, boolean dragSource, Consumer<Node> onDrop) {
        setId(id);
        setShowRoot(false);
        setRoot(new TreeItem<>());
        schema.addListener((o, a, b) -> fill(b));
        fill(schema.get());
        setCellFactory(tv -> {
            TreeCell<Node> cell = new TreeCell<>() {
                {
                    // the tree gives the cell its width: a long name or type wraps onto a second line
                    // instead of the narrow tree scrolling sideways
                    setWrapText(true);
                    setPrefWidth(0);
                }

                /**
                 * The skin measures the wrapped text over the cell's whole width, but lays it out right
                 * of the item's indent and disclosure arrow: measured there, a name that wraps gets its lines.
                 */
                @Override
                protected double computePrefHeight(double width) {
                    if (width <= 0 || getTreeItem() == null || getTreeView() == null) {
                        return super.computePrefHeight(width);
                    }
                    double left = getTreeView().getTreeItemLevel(getTreeItem()) * INDENT + ARROW;
                    return super.computePrefHeight(Math.max(40, width - left));
                }

                @Override
                protected void updateItem(Node n, boolean empty) {
                    super.updateItem(n, empty);
                    getStyleClass().removeAll("key-column", "table-node", "drop-target");
                    if (empty || n == null) {
                        setText(null);
                        setId(null);
                        setTooltip(null);
                    } else {
                        setText(n.text());
                        setTooltip(new javafx.scene.control.Tooltip(n.column() == null ? n.text() : n.column().name() + "   "
                                + n.column().type()));
                        setId(id + "-" + n.table().table() + (n.column() == null ? "" : "-" + n.column().name()));
                        getStyleClass().add(n.column() == null ? "table-node" : n.key() ? "key-column" : "column-node");
                    }
                }
            };
            if (dragSource) {
                cell.setOnDragDetected(e -> {
                    if (cell.getItem() != null && cell.getItem().column() != null) {
                        dragged = cell.getItem();
                        cell.startFullDrag();
                    }
                });
            } else {
                cell.setOnMouseDragEntered(e -> {
                    if (dragged != null && cell.getItem() != null && cell.getItem().column() != null) {
                        cell.getStyleClass().add("drop-target");
                    }
                });
                cell.setOnMouseDragExited(e -> cell.getStyleClass().remove("drop-target"));
                cell.setOnMouseDragReleased(e -> {
                    cell.getStyleClass().remove("drop-target");
                    if (dragged != null && cell.getItem() != null && cell.getItem().column() != null) {
                        onDrop.accept(cell.getItem());
                    }
                    dragged = null;
                });
            }
            return cell;
        });
        if (dragSource) {
            addEventFilter(javafx.scene.input.MouseEvent.MOUSE_RELEASED, e -> javafx.application.Platform.runLater(() -> dragged = null));
        }
    }

    private void fill(Schema s) {
        getRoot().getChildren().clear();
        if (s == null) {
            return;
        }
        for (Schema.Table t : s.tables().values()) {
            TreeItem<Node> ti = new TreeItem<>(new Node(t.ref(), null, false, t.rowEstimate()));
            for (Schema.Column c : t.columns()) {
                ti.getChildren().add(new TreeItem<>(new Node(t.ref(), c, t.primaryKey().contains(c.name()), 0)));
            }
            ti.setExpanded(true);
            getRoot().getChildren().add(ti);
        }
    }

    /** The table of the selected item (table or column), or null. */
    public TableRef selectedTable() {
        TreeItem<Node> i = getSelectionModel().getSelectedItem();
        return i == null || i.getValue() == null ? null : i.getValue().table();
    }

    /** Selects and shows the node of this table (and column, if not null). */
    public void reveal(TableRef table, String column) {
        for (TreeItem<Node> t : getRoot().getChildren()) {
            if (t.getValue().table().equals(table)) {
                TreeItem<Node> target = t;
                if (column != null) {
                    for (TreeItem<Node> c : t.getChildren()) {
                        if (c.getValue().column().name().equals(column)) {
                            target = c;
                        }
                    }
                }
                getSelectionModel().select(target);
                int row = getRow(target);
                if (row >= 0) {
                    scrollTo(Math.max(0, row - 3));
                }
                return;
            }
        }
    }
}
