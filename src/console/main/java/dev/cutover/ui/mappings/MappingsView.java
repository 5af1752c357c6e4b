package dev.cutover.ui.mappings;

import dev.cutover.check.Finding;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.ui.ErrorLine;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.geometry.Orientation;
import javafx.geometry.Side;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputDialog;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import org.fxmisc.flowless.VirtualizedScrollPane;
import org.fxmisc.richtext.CodeArea;
import org.fxmisc.richtext.util.UndoUtils;
import org.fxmisc.wellbehaved.event.EventPattern;
import org.fxmisc.wellbehaved.event.InputMap;
import org.fxmisc.wellbehaved.event.Nodes;

import java.io.File;
import java.nio.file.Path;
import java.util.List;

/** The Mappings screen: the old schema over the new one | mapping grid over expression editor, SQL preview and findings. */
public final class MappingsView extends VBox {
    private final MappingsViewModel vm;
    private final CodeArea editor = new CodeArea();
    private final CodeArea previewArea = new CodeArea();
    private final TableView<MappingRow> grid = new TableView<>();
    private final SchemaTree oldTree;
    private final SchemaTree newTree;
    private final ContextMenu completion = new ContextMenu();
    private boolean updating;
    /** "acme.json in /plans", or "not saved yet": made with the toolbar, shown on the message's line. */
    private Label planLocation;

    public MappingsView(MappingsViewModel vm) {
        this.vm = vm;
        getStyleClass().addAll("screen", "mappings");
        oldTree = new SchemaTree("old-tree", vm.oldSchema(), true, n -> { });
        newTree = new SchemaTree("new-tree", vm.newSchema(), false, n -> dropOn(n.table(), n.column().name()));
        SplitPane main = body();
        getChildren().addAll(toolbar(), messageLine(), main);
        VBox.setVgrow(main, Priority.ALWAYS);
    }

    private VBox toolbar() {
        Label title = new Label("Mappings");
        title.getStyleClass().add("screen-title");
        Button open = button("plan-open", "Open…", "Open a plan file");
        open.setOnAction(e -> chooseAndOpen());
        Button save = button("plan-save", "Save", "Save the plan (Ctrl+S)");
        save.setOnAction(e -> save());
        save.disableProperty().bind(vm.dirty().not());
        Button newPlan = button("plan-new", "New…", "Start a new plan");
        newPlan.setOnAction(e -> {
            if (!unsavedMayGo("Start a new plan")) {
                return;
            }
            TextInputDialog d = new TextInputDialog("my-migration");
            d.setHeaderText("Name of the migration (names its Redis keys)");
            d.initOwner(getScene().getWindow());
            d.showAndWait().ifPresent(vm::newPlan);
        });
        Button undo = button("undo", "Undo", "Undo (Ctrl+Z)");
        undo.setOnAction(e -> vm.undo());
        undo.disableProperty().bind(vm.canUndo().not());
        Button redo = button("redo", "Redo", "Redo (Ctrl+Shift+Z or Ctrl+Y)");
        redo.setOnAction(e -> vm.redo());
        redo.disableProperty().bind(vm.canRedo().not());

        ComboBox<String> tables = new ComboBox<>();
        tables.setId("table-chooser");
        tables.setPromptText("Table mapping");
        tables.setPrefWidth(320);
        Runnable fillTables = () -> {
            updating = true;
            List<String> names = vm.plan().get() == null ? List.of()
                    : vm.plan().get().tables().stream().map(t -> t.source() + " → " + t.target()).toList();
            tables.getItems().setAll(names);
            int i = vm.tableIndex().get();
            tables.getSelectionModel().select(i >= 0 && i < names.size() ? i : -1);
            updating = false;
        };
        vm.plan().addListener((o, a, b) -> fillTables.run());
        vm.tableIndex().addListener((o, a, b) -> fillTables.run());
        tables.getSelectionModel().selectedIndexProperty().addListener((o, a, b) -> {
            if (!updating && b.intValue() >= 0) {
                vm.tableIndex().set(b.intValue());
            }
        });
        Button mapTables = button("map-tables", "Map tables", "Map the table selected in the old schema (above) to the one selected in the new schema (below)");
        mapTables.setOnAction(e -> {
            TableRef o = oldTree.selectedTable();
            TableRef n = newTree.selectedTable();
            if (o != null && n != null) {
                vm.mapTables(o, n);
            } else {
                vm.message().set("Select a table in the old schema and one in the new schema first");
            }
        });
        Button suggest = button("suggest", "Suggest mappings", "Map unmapped columns to same or close names of compatible type");
        suggest.setOnAction(e -> vm.suggest());
        Button check = button("check-plan", "Check plan", "Plan check: static checks and a dry run over every row (Ctrl+Enter)");
        check.getStyleClass().add("accent");
        check.setOnAction(e -> vm.runCheck());
        check.disableProperty().bind(vm.checking());
        Button reload = button("reload-schemas", "Reload schemas", "Read both schemas again");
        reload.setOnAction(e -> vm.loadSchemas());
        fillTables.run();
        Label location = new Label();
        location.setId("plan-location");
        location.getStyleClass().add("hint");
        location.textProperty().bind(vm.location());
        // on the message's line, beside it (a line of the screen's height goes to the SQL preview): a long folder wraps, never "…"
        dev.cutover.ui.Views.wrapping(location);
        Tooltip where = new Tooltip();
        where.textProperty().bind(vm.location());
        location.setTooltip(where);
        planLocation = location;
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox top = new HBox(title, spring, open, save, newPlan, new Separator(Orientation.VERTICAL), undo, redo,
                new Separator(Orientation.VERTICAL), check);
        top.getStyleClass().add("actions");
        Label tableLabel = new Label("Table");
        tableLabel.getStyleClass().add("hint");
        // every label and button keeps its words at 960 px; the table chooser and the folder line give way
        dev.cutover.ui.Views.whole(title, open, save, newPlan, undo, redo, check, tableLabel, mapTables, suggest, reload);
        tables.setMinWidth(140);
        HBox.setHgrow(tables, Priority.SOMETIMES);
        tables.setMaxWidth(420);
        HBox second = new HBox(tableLabel, tables, mapTables, suggest, reload);
        second.getStyleClass().add("actions");
        VBox bars = new VBox(8, top, second);
        return bars;
    }

    private VBox messageLine() {
        Label message = new Label();
        message.setId("mappings-message");
        message.getStyleClass().add("hint");
        message.textProperty().bind(vm.message());
        ErrorLine err = new ErrorLine();
        vm.error().addListener((o, a, b) -> {
            if (b == null) {
                err.clear();
            } else {
                err.show(b);
            }
        });
        message.visibleProperty().bind(vm.error().isNull());
        message.managedProperty().bind(vm.error().isNull());
        dev.cutover.ui.Views.wrapping(message);
        VBox said = new VBox(message, err);
        // the plan's folder and the message share the line, half the width each; either wraps rather than being cut
        for (Region r : List.of(planLocation, said)) {
            r.setMinWidth(0);
            r.setPrefWidth(0);
            r.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(r, Priority.ALWAYS);
        }
        HBox line = new HBox(16, planLocation, said);
        return new VBox(line);
    }

    private SplitPane body() {
        VBox left = pane("Old schema (drag from here)", "Drag an old column onto a column of the new schema or onto a row of the grid", oldTree);
        VBox right = pane("New schema (drop here)", "Drop an old column on a new column to map it", newTree);

        grid.setId("mapping-grid");
        grid.setPlaceholder(new Label("Open a plan, or drag an old column onto a new column"));
        // each column as wide as its widest value (the grid scrolls sideways in a narrow window): no expression is cut
        grid.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        TableColumn<MappingRow, String> target = new TableColumn<>("New column");
        target.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(
                c.getValue().target() + (c.getValue().key() ? "  · key" : "")));
        target.setPrefWidth(120);
        TableColumn<MappingRow, String> type = new TableColumn<>("Type");
        type.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(TypeNames.shortName(c.getValue().type())));
        type.setPrefWidth(80);
        TableColumn<MappingRow, String> expr = new TableColumn<>("Expression");
        expr.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().expr()));
        expr.setPrefWidth(160);
        TableColumn<MappingRow, MappingRow> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> new javafx.beans.property.SimpleObjectProperty<>(c.getValue()));
        status.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(MappingRow r, boolean empty) {
                super.updateItem(r, empty);
                getStyleClass().removeAll("status-error", "status-ok", "status-unmapped");
                if (empty || r == null) {
                    setText(null);
                    setTooltip(null);
                } else {
                    setText(r.status().label());
                    setTooltip(new Tooltip(r.statusText()));
                    getStyleClass().add(switch (r.status()) {
                        case MAPPED -> "status-ok";
                        case ERROR, NO_COLUMN -> "status-error";
                        default -> "status-unmapped";
                    });
                }
            }
        });
        grid.getColumns().setAll(List.of(target, type, expr, status));
        status.setMinWidth(dev.cutover.ui.Views.textWidth("no such column", false) + 24); // the longest status, whole
        dev.cutover.ui.Views.headersWhole(grid);
        grid.setItems(vm.rows());
        vm.rows().addListener((javafx.collections.ListChangeListener<MappingRow>) c -> fitToContent(grid));
        fitToContent(grid);
        grid.setRowFactory(t -> {
            TableRow<MappingRow> row = new TableRow<>();
            row.setOnMouseDragEntered(e -> row.getStyleClass().add("drop-target"));
            row.setOnMouseDragExited(e -> row.getStyleClass().remove("drop-target"));
            row.setOnMouseDragReleased(e -> {
                row.getStyleClass().remove("drop-target");
                TableMapping tm = vm.table();
                if (row.getItem() != null && tm != null) {
                    dropOn(tm.target(), row.getItem().target());
                }
            });
            return row;
        });
        grid.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!updating && b != null) {
                vm.selectedTarget().set(b.target());
            }
        });
        vm.rows().addListener((javafx.collections.ListChangeListener<MappingRow>) c -> reselect());
        vm.selectedTarget().addListener((o, a, b) -> reselect());

        Label exprTitle = new Label();
        exprTitle.getStyleClass().add("section-title");
        exprTitle.setMinWidth(Region.USE_PREF_SIZE);
        exprTitle.textProperty().bind(Bindings.createStringBinding(() -> vm.selectedTarget().get() == null
                ? "Expression (select a new column)" : "Expression for " + vm.selectedTarget().get(), vm.selectedTarget()));
        Label exprHint = new Label("SQL over one old row");
        exprHint.getStyleClass().add("hint");
        exprHint.setTooltip(new Tooltip("One SQL expression over the old row's columns; Ctrl+Space completes column names"));
        dev.cutover.ui.Views.whole(exprHint);
        // the hint goes onto a second line when the editor is narrow
        javafx.scene.layout.FlowPane exprLabel = new javafx.scene.layout.FlowPane(12, 2, exprTitle, exprHint);
        exprLabel.setAlignment(javafx.geometry.Pos.BASELINE_LEFT);
        editor.setId("expr-editor");
        editor.getStyleClass().add("expr-editor");
        editor.setWrapText(true);
        editor.setPrefHeight(64);
        editor.setMinHeight(30); // a line: an expression is mostly one; the SQL preview below gets the height

        editor.setUndoManager(UndoUtils.noOpUndoManager());
        editor.editableProperty().bind(vm.selectedTarget().isNotNull());
        Nodes.addInputMap(editor, InputMap.sequence(
                InputMap.consume(EventPattern.keyPressed(KeyCode.Z, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), e -> vm.redo()),
                InputMap.consume(EventPattern.keyPressed(KeyCode.Z, KeyCombination.SHORTCUT_DOWN), e -> vm.undo()),
                // Ctrl+Y redoes here as in the grid (the window's accelerator never sees it: the editor takes the key first)
                InputMap.consume(EventPattern.keyPressed(KeyCode.Y, KeyCombination.SHORTCUT_DOWN), e -> vm.redo()),
                InputMap.consume(EventPattern.keyPressed(KeyCode.SPACE, KeyCombination.SHORTCUT_DOWN), e -> complete(true))));
        editor.textProperty().addListener((o, a, b) -> {
            editor.setStyleSpans(0, SqlHighlighter.styles(b));
            if (!updating) {
                vm.editExpr(b);
                complete(false);
            }
        });
        vm.expr().addListener((o, a, b) -> setEditorText(b));

        Label exprStatus = new Label();
        exprStatus.setId("expr-status");
        exprStatus.setWrapText(true);
        exprStatus.setMinHeight(Region.USE_PREF_SIZE);
        exprStatus.setMaxWidth(Double.MAX_VALUE);
        // laid out only with something to say: an empty line squeezed under the editor in a 600 px window was drawn over
        exprStatus.managedProperty().bind(exprStatus.textProperty().isNotEmpty());
        exprStatus.visibleProperty().bind(exprStatus.managedProperty());
        Runnable showStatus = () -> {
            exprStatus.getStyleClass().removeAll("expr-error", "expr-ok", "hint");
            String p = vm.exprProblem().get();
            if (!p.isEmpty()) {
                exprStatus.setText(p);
                exprStatus.getStyleClass().add("expr-error");
            } else if (vm.exprChecking().get()) {
                exprStatus.setText("checking on the old database…");
                exprStatus.getStyleClass().add("hint");
            } else if (!vm.expr().get().isEmpty()) {
                exprStatus.setText("✓ the old database accepts this expression for this column");
                exprStatus.getStyleClass().add("expr-ok");
            } else {
                exprStatus.setText("");
            }
        };
        vm.exprProblem().addListener((o, a, b) -> showStatus.run());
        vm.exprChecking().addListener((o, a, b) -> showStatus.run());
        vm.expr().addListener((o, a, b) -> showStatus.run());

        Label previewLabel = new Label("SQL the engine will run (live)");
        previewLabel.getStyleClass().add("section-title");
        previewArea.setId("sql-preview");
        previewArea.setEditable(false);
        previewArea.setWrapText(true); // a long line wraps: no sideways scroll bar taking a line of the preview's height
        vm.preview().addListener((o, a, b) -> replaceChanged(previewArea, b));
        replaceChanged(previewArea, vm.preview().get());
        VirtualizedScrollPane<CodeArea> previewScroll = new VirtualizedScrollPane<>(previewArea);
        VBox.setVgrow(previewScroll, Priority.ALWAYS);
        VBox previewBox = new VBox(2, previewLabel, previewScroll);

        // the SQL preview beside the findings, not over them: below the grid's eight rows at 1024x700 it has the height
        // the findings took (six lines and more) instead of a line and a half; the DBA may drag the divider
        SplitPane previewAndFindings = new SplitPane(previewBox, findings());
        previewAndFindings.setId("preview-findings");
        previewAndFindings.setDividerPositions(0.6);
        previewAndFindings.setMinHeight(0); // a window shorter than 700 px squeezes the preview and the findings, not the editor
        VBox.setVgrow(previewAndFindings, Priority.ALWAYS);
        VBox editorBox = new VBox(exprLabel, editor, exprStatus, previewAndFindings);
        editorBox.getStyleClass().add("editor-box");
        editorBox.setSpacing(2);
        SplitPane trees = new SplitPane(left, right);
        trees.setOrientation(Orientation.VERTICAL);
        trees.setDividerPositions(0.5);
        trees.getStyleClass().add("schema-trees");
        return new SideTrees(trees, new GridFirst(grid, editorBox));
    }

    /** Least and most width of the schema trees' column. */
    static final double TREES_MIN = 165;
    static final double TREES_MAX = 280;

    /**
     * The schema trees (old above new: drag down from one to the other) | the grid, editor and
     * findings. A wider window widens the grid, not the trees: their column keeps a width of its
     * own (a sixth of the body, 165 to 280 px, or what the DBA dragged it to) whatever width the
     * window had when the screen was first laid out, so at 1024 px the grid has its columns whole.
     */
    private static final class SideTrees extends SplitPane {
        private double chosen = -1;
        private double placedFor = -1;
        private boolean placing;
        /** The divider is being dragged (not moved by the skin's own rounding or a resize). */
        private boolean dragging;

        SideTrees(Region trees, Region rest) {
            super(trees, rest);
            SplitPane.setResizableWithParent(trees, false);
            trees.setMinWidth(TREES_MIN);
            trees.setMaxWidth(TREES_MAX);
            addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, e -> dragging = e.getTarget() instanceof javafx.scene.Node n
                    && n.getStyleClass().contains("split-pane-divider") && n.getParent() == this);
            addEventFilter(javafx.scene.input.MouseEvent.MOUSE_RELEASED, e -> dragging = false);
            getDividers().get(0).positionProperty().addListener((o, a, b) -> {
                if (dragging && !placing && getWidth() > 0) {
                    chosen = b.doubleValue() * getWidth(); // the DBA's width for the trees from now on
                }
            });
        }

        @Override
        protected void layoutChildren() {
            super.layoutChildren(); // on a new width the skin keeps the trees as they were (the grid takes the change)...
            double w = getWidth();
            if (w > 0 && w != placedFor) { // ...then they get their own width; at the same size the skin follows the divider
                double side = Math.max(TREES_MIN, Math.min(TREES_MAX, chosen > 0 ? chosen : w / 6));
                placing = true;
                try {
                    setDividerPositions(side / w);
                } finally {
                    placing = false;
                }
                placedFor = w;
                super.layoutChildren();
            }
        }
    }

    /**
     * The grid over the expression editor, SQL preview and findings, the grid first: it gets at least
     * its header and {@link #GRID_ROWS} rows (more, 45 %, in a tall window), the editor, the preview
     * and the findings beside it the rest. Placed again when the height changes; at the same height
     * the divider stays where the DBA dragged it.
     */
    private static final class GridFirst extends SplitPane {
        static final int GRID_ROWS = 8;
        private final TableView<?> grid;
        private double placedFor = -1;

        private final Region editor;

        GridFirst(TableView<?> grid, Region editor) {
            super(grid, editor);
            this.grid = grid;
            this.editor = editor;
            setOrientation(Orientation.VERTICAL);
        }

        @Override
        protected void layoutChildren() {
            super.layoutChildren();
            double h = getHeight();
            if (h > 0 && h != placedFor) {
                double row = 24;
                for (javafx.scene.Node n : grid.lookupAll(".table-row-cell")) {
                    if (n instanceof Region r && r.getHeight() > 0) {
                        row = r.getHeight();
                        break;
                    }
                }
                javafx.scene.Node header = grid.lookup(".column-header-background");
                double head = header instanceof Region r && r.getHeight() > 0 ? r.getHeight() : 26;
                double gridH = Math.max(h * 0.45, head + GRID_ROWS * row + 3);
                // never more than leaves the editor its least height (its title, a line of expression): a VBox given less than
                // that lays its children over each other (the preview over the editor, 3 px, in a 960x600 window)
                double divider = 8;
                gridH = Math.max(head + 2 * row, Math.min(gridH, h - editor.minHeight(-1) - divider));
                setDividerPositions(gridH / h);
                placedFor = h;
                super.layoutChildren();
            }
        }
    }

    private VBox findings() {
        ListView<Finding> list = new ListView<>(vm.findings());
        list.setId("findings");
        list.setPrefHeight(110);
        list.setMinHeight(48);
        VBox.setVgrow(list, Priority.ALWAYS);
        list.setPlaceholder(new Label("No findings"));
        list.setCellFactory(l -> new ListCell<>() {
            {
                setWrapText(true);
                setPrefWidth(0); // the list gives the cell its width; the text wraps in it instead of scrolling sideways
            }

            @Override
            protected void updateItem(Finding f, boolean empty) {
                super.updateItem(f, empty);
                getStyleClass().removeAll("error-text", "warn-text", "hint");
                setText(empty || f == null ? null : vm.describe(f));
                if (f != null && !empty) {
                    getStyleClass().add(switch (f.severity()) {
                        case PROBLEM -> "error-text";
                        case WARNING -> "warn-text";
                        case NOTE -> "hint";
                    });
                }
            }
        });
        list.setOnMouseClicked(e -> {
            Finding f = list.getSelectionModel().getSelectedItem();
            if (f != null) {
                vm.focus(f);
                TableMapping t = vm.table();
                if (t != null && f.sourceColumn() != null) {
                    oldTree.reveal(t.source(), f.sourceColumn());
                } else if (t != null && f.targetColumn() != null) {
                    newTree.reveal(t.target(), f.targetColumn());
                }
            }
        });
        Label title = new Label();
        title.getStyleClass().add("section-title");
        dev.cutover.ui.Views.wrapping(title); // beside the preview: a narrow pane wraps its title, never "…"
        title.textProperty().bind(Bindings.concat("Findings (", Bindings.size(vm.findings()), ") — click one to go to its column"));
        VBox box = new VBox(4, title, list);
        return box;
    }

    /** Each column of the grid as wide as its header and its widest value. */
    private static void fitToContent(TableView<MappingRow> grid) {
        for (TableColumn<MappingRow, ?> c : grid.getColumns()) {
            double w = dev.cutover.ui.Views.textWidth(c.getText(), true);
            for (MappingRow r : grid.getItems()) {
                Object v = c.getCellObservableValue(r) == null ? null : c.getCellObservableValue(r).getValue();
                String text = v instanceof MappingRow m ? m.status().label() : v == null ? "" : v.toString();
                w = Math.max(w, dev.cutover.ui.Views.textWidth(text, false));
            }
            c.setPrefWidth(Math.ceil(w) + 16); // the cell's padding and a little air
        }
    }

    private VBox pane(String title, String tip, SchemaTree tree) {
        Label l = new Label(title);
        l.getStyleClass().add("pane-title");
        l.setTooltip(new Tooltip(tip));
        VBox.setVgrow(tree, Priority.ALWAYS);
        dev.cutover.ui.Views.wrapping(l); // "Old schema (drag from here)" wraps in a narrow pane instead of "…"
        VBox box = new VBox(4, l, tree);
        box.setMinWidth(TREES_MIN);
        box.setPrefWidth(TREES_MIN);
        box.setMinHeight(90); // the title and a few names; the other tree gives way
        return box;
    }

    private void dropOn(TableRef newTable, String newColumn) {
        SchemaTree.Node d = SchemaTree.dragged;
        SchemaTree.dragged = null;
        if (d != null && d.column() != null) {
            vm.mapColumn(d.table(), d.column().name(), newTable, newColumn);
        }
    }

    private void reselect() {
        String t = vm.selectedTarget().get();
        updating = true;
        try {
            if (t == null) {
                grid.getSelectionModel().clearSelection();
            } else {
                for (int i = 0; i < grid.getItems().size(); i++) {
                    if (grid.getItems().get(i).target().equals(t)) {
                        if (grid.getSelectionModel().getSelectedIndex() != i) {
                            grid.getSelectionModel().clearAndSelect(i);
                            grid.scrollTo(i);
                        }
                        break;
                    }
                }
            }
        } finally {
            updating = false;
        }
    }

    private void setEditorText(String text) {
        if (!editor.getText().equals(text)) {
            updating = true;
            try {
                editor.replaceText(text);
                editor.moveTo(text.length());
            } finally {
                updating = false;
            }
        }
    }

    /** Offers old column names for the word before the caret (always when forced, else from one letter on). */
    private void complete(boolean force) {
        int caret = editor.getCaretPosition();
        String text = editor.getText();
        int start = caret;
        while (start > 0 && (Character.isLetterOrDigit(text.charAt(start - 1)) || text.charAt(start - 1) == '_')) {
            start--;
        }
        String prefix = text.substring(start, caret);
        completion.hide();
        if (prefix.isEmpty() && !force) {
            return;
        }
        List<String> names = vm.completions(prefix);
        if (names.isEmpty() || !force && names.size() == 1 && names.get(0).equals(prefix)) {
            return;
        }
        completion.getItems().clear();
        int from = start;
        for (String n : names.subList(0, Math.min(10, names.size()))) {
            MenuItem mi = new MenuItem(n);
            mi.setOnAction(e -> {
                String ref = n.matches("[a-z_][a-z0-9_]*") ? n : dev.cutover.plan.SqlNames.quote(n);
                editor.replaceText(from, caret, ref);
            });
            completion.getItems().add(mi);
        }
        editor.getCaretBounds().ifPresent(b -> completion.show(editor, b.getMinX(), b.getMaxY()));
        if (editor.getCaretBounds().isEmpty()) {
            completion.show(editor, Side.BOTTOM, 0, 0);
        }
    }

    /**
     * True when there are no unsaved changes, or the DBA confirms {@code what} without saving them
     * (Cancel is the default: Enter keeps the plan).
     */
    private boolean unsavedMayGo(String what) {
        if (!vm.dirty().get()) {
            return true;
        }
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                "The plan has unsaved changes; they are lost (Save keeps them).",
                new javafx.scene.control.ButtonType(what + " without saving", javafx.scene.control.ButtonBar.ButtonData.OK_DONE),
                javafx.scene.control.ButtonType.CANCEL);
        a.setHeaderText(what + " without saving the changes?");
        a.getDialogPane().setId("unsaved-confirm");
        dev.cutover.ui.CancelFirst.on(a);
        a.initOwner(getScene().getWindow());
        return a.showAndWait().filter(b -> b.getButtonData() == javafx.scene.control.ButtonBar.ButtonData.OK_DONE).isPresent();
    }

    private void chooseAndOpen() {
        if (!unsavedMayGo("Open another plan")) {
            return;
        }
        FileChooser fc = chooser();
        File f = fc.showOpenDialog(getScene().getWindow());
        if (f != null) {
            vm.open(f.toPath());
        }
    }

    /** Saves to the open file, or asks where (Ctrl+S). */
    public void save() {
        if (vm.plan().get() == null) {
            return;
        }
        if (!vm.save() && vm.file().get() == null) {
            FileChooser fc = chooser();
            fc.setInitialFileName(vm.plan().get().name() + ".json");
            File f = fc.showSaveDialog(getScene().getWindow());
            if (f != null) {
                vm.saveAs(f.toPath());
            }
        }
    }

    private FileChooser chooser() {
        FileChooser fc = new FileChooser();
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("Cutover plan (*.json)", "*.json"));
        Path current = vm.file().get();
        if (current != null && current.toAbsolutePath().getParent() != null) {
            fc.setInitialDirectory(current.toAbsolutePath().getParent().toFile());
        }
        return fc;
    }

    private static Button button(String id, String text, String tip) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        return b;
    }

    /** Gives focus to the expression editor (tests and keyboard users). */
    public void focusEditor() {
        Platform.runLater(editor::requestFocus);
    }

    /**
     * Replaces a read-only area's text (highlighted as SQL) by changing only the lines that differ (the SQL preview is
     * rendered again on every key typed, and one expression appears in several statements): the
     * other paragraphs stay as they are, and so does where the DBA had scrolled to, instead of
     * jumping to the top with a whole new text. One multi-change: it leaves the caret, and so the
     * viewport, where they were (a plain replace moves the caret to the edit and scrolls to it).
     */
    static void replaceChanged(CodeArea area, String text) {
        String old = area.getText();
        if (old.equals(text)) {
            return;
        }
        if (old.isEmpty()) {
            area.replaceText(text);
            area.setStyleSpans(0, SqlHighlighter.styles(text));
            return;
        }
        String[] was = old.split("\n", -1);
        String[] now = text.split("\n", -1);
        int common = Math.min(was.length, now.length);
        var change = area.createMultiChange(common + 1);
        int at = 0;
        for (int i = 0; i < common; i++) {
            if (!was[i].equals(now[i])) {
                change.replaceText(at, at + was[i].length(), now[i]); // positions in the text before the change: the builder shifts them
            }
            at += was[i].length() + 1;
        }
        if (now.length > common) { // lines added at the end (the "cannot render yet" note)
            change.insertText(old.length(), "\n" + String.join("\n", java.util.Arrays.copyOfRange(now, common, now.length)));
        } else if (was.length > common) { // lines gone from the end
            change.deleteText(at - 1, old.length());
        }
        if (change.hasChanges()) {
            change.commit();
        }
        for (int i = 0; i < now.length; i++) { // styled line by line too: re-styling the whole text would scroll to the top
            if ((i >= was.length || !was[i].equals(now[i])) && !now[i].isEmpty()) {
                area.setStyleSpans(i, 0, SqlHighlighter.styles(now[i]));
            }
        }
    }
}
