package dev.cutover.ui.verify;

import dev.cutover.ui.CapSlider;
import dev.cutover.ui.ErrorLine;
import dev.cutover.ui.LeaseHolders;
import dev.cutover.verify.Difference;
import java.io.File;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import static dev.cutover.ui.Views.column;

/**
 * The Verify screen: run (full or sampled; one table or all; threads, a live rows/s cap and pause),
 * per-table results, the differences (several can be selected and repaired), one difference's rows
 * side by side. Binds to {@link VerifyViewModel} only.
 */
public final class VerifyView extends VBox {
    /** The widest a value in the side-by-side rows gets before it wraps (a timestamptz with microseconds fits on one line). */
    static final double VALUE_WIDTH = 320;
    private final GridPane rows = new GridPane();
    private final Label rowsTitle = new Label("Select a difference to see its rows side by side.");
    private final VerifyViewModel vm;

    public VerifyView(VerifyViewModel vm) {
        this.vm = vm;
        getStyleClass().addAll("screen", "verify-screen");
        Label title = new Label("Verify");
        title.getStyleClass().add("screen-title");
        Label what = new Label("Compares every row of both databases exactly (the truth side after the mapping against the "
                + "other side) and repairs differences from the side that is the source of truth: the old database before "
                + "new_primary, the new one from then on (the phase in Redis decides).");
        what.getStyleClass().add("hint");
        what.setWrapText(true);
        what.setMinHeight(Region.USE_PREF_SIZE); // every line of it, never cut off with "…" when the screen is short

        Button run = new Button("Verify");
        run.setId("verify-run");
        run.getStyleClass().add("accent");
        run.setOnAction(e -> vm.verify());
        run.disableProperty().bind(vm.canStart().not());
        ToggleButton sampled = new ToggleButton("Sample");
        sampled.setId("verify-sampled");
        sampled.setTooltip(new Tooltip("Compare only N random keys per table (a first look, never a proof)"));
        Spinner<Integer> size = new Spinner<>(1, 1_000_000, 1000, 100);
        size.setId("verify-sample-size");
        size.setEditable(true);
        size.setPrefWidth(110);
        size.disableProperty().bind(sampled.selectedProperty().not());
        Runnable syncSample = () -> vm.sample().set(sampled.isSelected() ? size.getValue() : 0);
        sampled.selectedProperty().addListener((o, a, b) -> syncSample.run());
        size.valueProperty().addListener((o, a, b) -> syncSample.run());
        vm.sample().addListener((o, a, b) -> {
            sampled.setSelected(b.intValue() > 0);
            if (b.intValue() > 0) {
                size.getValueFactory().setValue(b.intValue());
            }
        });
        Button cancel = new Button("Cancel");
        cancel.setId("verify-cancel");
        cancel.disableProperty().bind(vm.running().not());
        cancel.setOnAction(e -> vm.cancel());
        Button repair = new Button("Repair all");
        repair.setId("verify-repair");
        repair.disableProperty().bind(vm.canRepairOrExport().not());
        repair.setOnAction(e -> confirmRepair(vm));
        repair.setTooltip(new Tooltip("Re-syncs every differing row from the truth side (in the direction the phase gives), "
                + "then verifies again."));
        Button repairSelected = new Button("Repair selected");
        repairSelected.setId("verify-repair-selected");
        repairSelected.setTooltip(new Tooltip("Re-syncs only the differences selected in the list (Ctrl/Shift-click for several) "
                + "from the truth side, by key, then compares those keys again."));
        Button export = new Button("Export CSV…");
        export.setId("verify-export");
        export.disableProperty().bind(vm.canRepairOrExport().not());
        export.setOnAction(e -> {
            FileChooser fc = dev.cutover.ui.ExportFiles.chooser("Export differences", vm.planName(), "verify");
            File f = fc.showSaveDialog(getScene() == null ? null : getScene().getWindow());
            if (f != null) {
                dev.cutover.ui.ExportFiles.used(f.toPath());
                vm.exportCsv(f.toPath());
            }
        });
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        HBox controls = new HBox(run, sampled, size, cancel, spring, repairSelected, repair, export);
        controls.getStyleClass().add("actions");
        controls.setAlignment(Pos.CENTER_LEFT);

        ChoiceBox<String> only = new ChoiceBox<>();
        only.setId("verify-table");
        only.setConverter(new StringConverter<>() {
            @Override
            public String toString(String t) {
                return t == null ? "All tables" : vm.choiceName(t);
            }

            @Override
            public String fromString(String s) {
                return "All tables".equals(s) ? null : only.getItems().stream().filter(t -> t != null && toString(t).equals(s))
                        .findFirst().orElse(null);
            }
        });
        Runnable fillTables = () -> {
            List<String> items = new ArrayList<>();
            items.add(null);
            items.addAll(vm.tableChoices());
            only.getItems().setAll(items);
            only.setValue(vm.table().get());
        };
        vm.tableChoices().addListener((javafx.collections.ListChangeListener<String>) c -> fillTables.run());
        fillTables.run();
        only.valueProperty().addListener((o, a, b) -> vm.table().set(b));
        vm.table().addListener((o, a, b) -> only.setValue(b));
        only.disableProperty().bind(vm.running());
        only.setTooltip(new Tooltip("Compare one table of the plan, or all (only a run of all is stored for the phase guard)"));
        Spinner<Integer> threads = new Spinner<>(1, 64, vm.workerThreads().get());
        threads.setId("verify-threads");
        threads.setPrefWidth(72);
        threads.valueProperty().addListener((o, a, b) -> vm.workerThreads().set(b));
        threads.disableProperty().bind(vm.running());
        threads.setTooltip(new Tooltip("Worker threads of this console (more machines join with `cutover worker --job verify`)"));
        ToggleButton pause = new ToggleButton();
        pause.setId("verify-pause");
        pause.selectedProperty().bindBidirectional(vm.paused());
        pause.textProperty().bind(Bindings.when(vm.paused()).then("Resume").otherwise("Pause"));
        pause.setTooltip(new Tooltip("Pauses the comparison after the chunks in hand (every worker of the run, through Redis)"));
        // as on Backfill: nothing to pause until a run starts (a paused run left behind can still be resumed)
        pause.disableProperty().bind(vm.running().not().and(vm.paused().not()));
        HBox cap = CapSlider.control(vm.cap(), "verify", "Rows per second this console's workers may compare (far right: no cap). "
                + "Acts at once on a running comparison and, through Redis, on the other workers of the run.");
        Label throttle = new Label();
        throttle.setId("verify-throttle");
        throttle.getStyleClass().add("hint");
        throttle.textProperty().bind(vm.throttleState());
        Label tableLabel = new Label("Table");
        Label threadsLabel = new Label("Threads");
        // labels and Pause keep their words; at 960 px the row breaks onto a second line instead
        dev.cutover.ui.Views.whole(tableLabel, threadsLabel, pause, cap);
        only.setMinWidth(120);
        javafx.scene.layout.FlowPane tuning = new javafx.scene.layout.FlowPane(8, 6, tableLabel, only, threadsLabel, threads, cap, pause, throttle);
        tuning.getStyleClass().add("actions");
        tuning.setAlignment(Pos.CENTER_LEFT);

        Label verdict = new Label();
        verdict.setId("verify-verdict");
        verdict.getStyleClass().add("verify-verdict");
        verdict.textProperty().bind(vm.verdict());
        vm.verdict().addListener((o, a, b) -> {
            verdict.getStyleClass().removeAll("verdict-sample", "verdict-clean", "verdict-differs");
            if (b.startsWith("SAMPLE")) {
                verdict.getStyleClass().add("verdict-sample");
            } else if (b.startsWith("clean")) {
                verdict.getStyleClass().add("verdict-clean");
            } else if (!b.isEmpty()) {
                verdict.getStyleClass().add("verdict-differs");
            }
        });
        Label stale = new Label();
        stale.setId("verify-stale");
        stale.getStyleClass().add("verdict-differs");
        stale.setWrapText(true);
        stale.setMinHeight(Region.USE_PREF_SIZE);
        stale.textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(() -> vm.stale().get().isEmpty() ? ""
                : "⚠ Stale: the stored verification no longer holds (" + vm.stale().get() + "). Verify again before moving on.",
                vm.stale()));
        stale.visibleProperty().bind(vm.stale().isNotEmpty());
        stale.managedProperty().bind(stale.visibleProperty());
        // in dual_write, while the latest verification would not let the phase move on: what to do next, one line
        Label next = new Label();
        next.setId("verify-next");
        next.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(next);
        next.textProperty().bind(vm.next());
        next.visibleProperty().bind(next.textProperty().isNotEmpty());
        next.managedProperty().bind(next.visibleProperty());
        Label message = new Label();
        message.setId("verify-message");
        message.setWrapText(true);
        message.setMinHeight(Region.USE_PREF_SIZE);
        message.textProperty().bind(vm.message());
        ErrorLine errorLine = new ErrorLine();
        errorLine.setId("verify-error");
        vm.error().addListener((o, a, t) -> {
            if (t == null) {
                errorLine.clear();
            } else {
                errorLine.show(t);
            }
        });

        TableView<VerifyViewModel.TableRow> tables = new TableView<>(vm.tables());
        tables.setId("verify-tables");
        // spare width goes to the table's name; the other columns grow no wider than their values need
        tables.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        tables.setPlaceholder(new Label("Run Verify to compare the plan's tables."));
        tables.setPrefHeight(112); // the header and three tables, kept when the screen is short
        tables.setMinHeight(Region.USE_PREF_SIZE);
        // two-line headers and no fixed widths beyond them: the six columns fit beside the workers at 1024 px (no sideways scroll)
        // a long schema.table is broken onto lines after its "." and "_", never cut to "public.cu…"
        tables.getColumns().add(NameLines.column("Table", 170, t -> t.table()));
        tables.getColumns().add(column("State", 80, t -> t.state()));
        tables.getColumns().add(column("Rows\ncompared", 110, t -> t.estimate() > 0 && "running".equals(t.state())
                ? String.format("%,d of ~%,d", t.rowsCompared(), t.estimate()) : String.format("%,d", t.rowsCompared())));
        tables.getColumns().add(column("Missing\nin target", 80, t -> String.format("%,d", t.missingInTarget())));
        tables.getColumns().add(column("Extra\nin target", 80, t -> String.format("%,d", t.extraInTarget())));
        tables.getColumns().add(column("Different", 80, t -> String.format("%,d", t.different())));
        dev.cutover.ui.Views.headersWhole(tables);
        tables.getColumns().stream().skip(1).forEach(c -> {
            c.setPrefWidth(c.getMinWidth());
            // "12,345 of ~20,000" while running; "SAMPLE done"; counts under their headers
            int at = tables.getColumns().indexOf(c);
            c.setMaxWidth(Math.max(c.getMinWidth(), at == 2 ? 130 : at == 1 ? 100 : 0));
        });
        // as wide as its headers need (no sideways scroll), no wider by preference, so the workers beside it fit in 1024 px;
        // it grows into any spare width
        double headers = tables.getColumns().stream().mapToDouble(javafx.scene.control.TableColumn::getMinWidth).sum() + 4;
        tables.setPrefWidth(headers);
        tables.setMinWidth(headers);

        TableView<Difference> diffs = new TableView<>(vm.differences());
        diffs.setId("verify-differences");
        diffs.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        diffs.setPlaceholder(new Label("No differences listed."));
        // the table's name, the key and the kind are broken onto lines rather than cut (a composite key, a difference in
        // several columns): read whole in a narrow list, never only in a tooltip; the list never scrolls sideways
        var table = NameLines.column("Table", 150, (Difference d) -> vm.shown(d.table()));
        var key = NameLines.column("Key", 110, (Difference d) -> d.key().toString());
        diffs.getColumns().add(table);
        diffs.getColumns().add(key);
        var kind = NameLines.column("Difference", 130, (Difference d) -> d.kind().wireName()
                + (d.columns().isEmpty() ? "" : ": " + String.join(", ", d.columns())));
        diffs.getColumns().add(kind);
        dev.cutover.ui.Views.headersWhole(diffs);
        diffs.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        diffs.getSelectionModel().selectedItemProperty().addListener((o, a, d) -> vm.selected().set(d));
        repairSelected.disableProperty().bind(Bindings.isEmpty(diffs.getSelectionModel().getSelectedItems()).or(vm.running()));
        repairSelected.setOnAction(e -> confirmRepairSelected(vm, List.copyOf(diffs.getSelectionModel().getSelectedItems())));
        vm.selected().addListener((o, a, d) -> showRows(d));

        rows.setId("verify-rows");
        rows.getStyleClass().add("verify-rows");
        rowsTitle.getStyleClass().add("pane-title");
        rowsTitle.setWrapText(true);
        rowsTitle.setMinHeight(Region.USE_PREF_SIZE);
        // the grid keeps its content's width (column names, headers and values whole); a wider one scrolls sideways
        ScrollPane scroll = new ScrollPane(rows);
        scroll.setId("verify-rows-scroll");
        scroll.setFitToWidth(false);
        VBox detail = new VBox(rowsTitle, scroll);
        detail.getStyleClass().add("panel");
        VBox.setVgrow(scroll, Priority.ALWAYS);
        Label diffsTitle = new Label("Differences");
        diffsTitle.getStyleClass().add("pane-title");
        VBox list = new VBox(diffsTitle, diffs);
        list.getStyleClass().add("panel");
        VBox.setVgrow(diffs, Priority.ALWAYS);
        SplitPane split = new SplitPane(list, detail);
        // at 1024 px the rows pane keeps the target column of a two-column difference in sight; the list's table
        // name wraps (a long one onto several lines) and its key and kind give way (tooltips)
        split.setDividerPositions(0.38);
        VBox.setVgrow(split, Priority.ALWAYS);

        TableView<LeaseHolders.Worker> workers = LeaseHolders.table(vm.workers(), "verify-workers",
                "No verify worker holds a chunk lease in Redis now.");
        workers.setTooltip(new Tooltip("The workers of the verify run going now, from their chunk leases in Redis: this console "
                + "while it runs, and `cutover worker --job verify` on other machines"));
        workers.setPrefWidth(260);
        workers.setMinWidth(200);
        workers.setPrefHeight(112);
        workers.setMinHeight(Region.USE_PREF_SIZE);
        // shown while a run goes or a worker holds a lease; otherwise the per-table results take its width (long names whole)
        workers.visibleProperty().bind(vm.running().or(Bindings.isNotEmpty(vm.workers())));
        workers.managedProperty().bind(workers.visibleProperty());
        HBox.setHgrow(tables, Priority.ALWAYS);
        HBox top = new HBox(12, tables, workers);

        getChildren().addAll(title, what, controls, tuning, verdict, stale, next, message, errorLine, top, split);
        // the focus stays on the button used over its run (and comes back to it after), the screen does not scroll to another control
        dev.cutover.ui.KeptFocus.on(this, run, repair, repairSelected);
    }

    /** Repair writes to the compared side: it asks first, naming what and in which direction. */
    private void confirmRepair(VerifyViewModel vm) {
        var r = vm.report().get();
        String dir = r == null || r.direction() == dev.cutover.sql.Direction.FORWARD
                ? "from the old database (the truth before new_primary) into the new one"
                : "from the new database (the truth from new_primary on) into the old one";
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, String.format("%,d", vm.differences().size())
                + " differing rows listed. Every table is compared again and each confirmed difference re-synced " + dir
                + " (direction as the phase in Redis says at the start of the repair); then everything is verified again.",
                new ButtonType("Repair from the truth", ButtonBar.ButtonData.OK_DONE), ButtonType.CANCEL);
        confirm.setHeaderText("Repair all differences?");
        confirm.getDialogPane().setId("repair-confirm");
        dev.cutover.ui.CancelFirst.on(confirm); // a repair writes: Enter cancels
        confirm.initOwner(getScene() == null ? null : getScene().getWindow());
        if (confirm.showAndWait().filter(b -> b.getButtonData() == ButtonBar.ButtonData.OK_DONE).isPresent()) {
            vm.repairAll();
        }
    }

    /** Repairing chosen rows writes to the compared side too: it asks first, naming how many and in which direction. */
    private void confirmRepairSelected(VerifyViewModel vm, List<Difference> chosen) {
        var r = vm.report().get();
        String dir = r == null || r.direction() == dev.cutover.sql.Direction.FORWARD
                ? "from the old database (the truth before new_primary) into the new one"
                : "from the new database (the truth from new_primary on) into the old one";
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, String.format("%,d", chosen.size())
                + " selected rows are re-read by key and re-synced " + dir + ", then compared again.",
                new ButtonType("Repair selected from the truth", ButtonBar.ButtonData.OK_DONE), ButtonType.CANCEL);
        confirm.setHeaderText("Repair the selected differences?");
        confirm.getDialogPane().setId("repair-selected-confirm");
        dev.cutover.ui.CancelFirst.on(confirm); // a repair writes: Enter cancels
        confirm.initOwner(getScene() == null ? null : getScene().getWindow());
        if (confirm.showAndWait().filter(b -> b.getButtonData() == ButtonBar.ButtonData.OK_DONE).isPresent()) {
            vm.repairSelected(chosen);
        }
    }

    /** A two-column grid: column name, source (truth) value, target value; differing columns carry {@code verify-differs}. */
    private void showRows(Difference d) {
        rows.getChildren().clear();
        if (d == null) {
            rowsTitle.setText("Select a difference to see its rows side by side.");
            return;
        }
        rowsTitle.setText(vm.shown(d.table()) + " " + d.key() + " — " + d.kind().wireName());
        rows.addRow(0, header("column"), header("source (truth, after the mapping)"), header("target"));
        Set<String> names = new LinkedHashSet<>();
        names(d.sourceRow(), names);
        names(d.targetRow(), names);
        int r = 1;
        for (String name : names) {
            boolean differs = d.kind() != Difference.Kind.DIFFERENT || d.columns().contains(name);
            Label column = new Label(name);
            column.setMinWidth(Region.USE_PREF_SIZE); // a column name is read whole, never "cu…"
            column.setTooltip(new Tooltip(name));
            List<Label> cells = new ArrayList<>(List.of(column, value(d.sourceRow(), name), value(d.targetRow(), name)));
            for (Label l : cells) {
                l.getStyleClass().add("verify-cell");
                if (differs) {
                    l.getStyleClass().add("verify-differs");
                }
            }
            cells.get(0).setId("verify-row-" + name);
            rows.addRow(r++, cells.toArray(new Label[0]));
        }
    }

    private static void names(ObjectNode row, Set<String> out) {
        if (row != null) {
            for (Iterator<String> it = row.fieldNames(); it.hasNext(); ) {
                out.add(it.next());
            }
        }
    }

    /**
     * One value, whole: its own width up to {@link #VALUE_WIDTH} (a timestamp on one line), a longer one
     * wrapped onto more lines; the full value in the tooltip too.
     */
    private static Label value(ObjectNode row, String name) {
        if (row == null) {
            Label l = new Label("(no row)");
            l.getStyleClass().add("hint");
            l.setMinWidth(Region.USE_PREF_SIZE);
            return l;
        }
        JsonNode v = row.get(name);
        String text = v == null || v.isNull() ? "NULL" : v.isTextual() ? v.textValue() : v.toString();
        Label l = new Label(text);
        l.setWrapText(true);
        l.setMaxWidth(VALUE_WIDTH);
        l.setMinHeight(Region.USE_PREF_SIZE);
        Tooltip tip = new Tooltip(text);
        tip.setWrapText(true);
        tip.setMaxWidth(640);
        l.setTooltip(tip);
        return l;
    }

    private static Label header(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("verify-header");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }
}
