package dev.cutover.ui.shadow;

import dev.cutover.ui.ErrorLine;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.RowConstraints;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.function.Function;

import static dev.cutover.ui.Views.column;
import static dev.cutover.ui.Views.panel;

/** The Shadow reads screen: four live charts over the metric buckets, and the mismatch samples with their rows side by side. */
public final class ShadowView extends VBox {
    private Function<Window, Path> chooser = ShadowView::chooseFile;

    public ShadowView(ShadowViewModel vm) {
        getStyleClass().addAll("screen", "shadow-screen");
        Label title = new Label("Shadow reads");
        title.getStyleClass().add("screen-title");
        Label totals = new Label();
        totals.setId("shadow-totals");
        totals.textProperty().bind(vm.totals());
        Label message = new Label();
        message.setId("shadow-message");
        message.getStyleClass().add("hint");
        message.setWrapText(true);
        message.textProperty().bind(vm.message());
        message.managedProperty().bind(message.textProperty().isNotEmpty());
        ErrorLine errorLine = new ErrorLine();
        errorLine.setId("shadow-error");
        vm.error().addListener((o, a, t) -> {
            if (t == null) {
                errorLine.clear();
            } else {
                errorLine.show(t);
            }
        });

        DecimalFormat pct = new DecimalFormat("#,##0.###'%'");
        GridPane charts = new GridPane();
        charts.getStyleClass().add("chart-grid");
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            charts.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            charts.getRowConstraints().add(r);
        }
        charts.add(panel("Mismatch rate (confirmed mismatches per comparison)",
                Charts.viewer(Charts.timeChart(vm.mismatchRate(), "%", pct), "shadow-mismatch-chart")), 0, 0);
        charts.add(panel("Error rate", Charts.viewer(Charts.timeChart(vm.errorRate(), "%", pct), "shadow-error-chart")), 1, 0);
        charts.add(panel("Read latency, old vs new",
                Charts.viewer(Charts.timeChart(vm.latency(), "ms", null), "shadow-latency-chart")), 0, 1);
        charts.add(panel("Mirror writes", Charts.viewer(Charts.timeChart(vm.mirror(), "count", new DecimalFormat("#,##0")),
                "shadow-mirror-chart")), 1, 1);

        TableView<ShadowViewModel.Sample> table = new TableView<>(vm.samples());
        table.setId("shadow-samples");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label("No mismatch samples stored."));
        table.getColumns().add(column("Time", 150, ShadowViewModel.Sample::at));
        table.getColumns().add(column("Query", 120, ShadowViewModel.Sample::query));
        table.getColumns().add(column("Mode", 70, ShadowViewModel.Sample::mode));
        table.getColumns().add(column("Served", 55, ShadowViewModel.Sample::served));
        table.getColumns().add(column("Old ms", 60, ShadowViewModel.Sample::oldMs));
        table.getColumns().add(column("New ms", 60, ShadowViewModel.Sample::newMs));
        table.getColumns().add(column("Rows old / new", 90, s -> s.oldRows() + " / " + s.newRows()));
        TextArea oldRows = rowsArea("shadow-old-rows");
        TextArea newRows = rowsArea("shadow-new-rows");
        table.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> {
            oldRows.setText(s == null ? "" : s.oldRowsJson());
            newRows.setText(s == null ? "" : s.newRowsJson());
        });
        HBox rows = new HBox(8, panel("Old rows", oldRows), panel("New rows", newRows));
        rows.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));

        Button refresh = new Button("Refresh");
        refresh.setId("shadow-refresh");
        refresh.setOnAction(e -> vm.refreshSamples());
        Button export = new Button("Export CSV…");
        export.setId("shadow-export");
        export.setOnAction(e -> {
            Path p = chooser.apply(getScene() == null ? null : getScene().getWindow());
            if (p != null) {
                vm.exportCsv(p);
            }
        });
        Label samplesTitle = new Label("Mismatch samples (newest first)");
        samplesTitle.getStyleClass().add("pane-title");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        Label exportStatus = new Label();
        exportStatus.setId("shadow-export-status");
        exportStatus.textProperty().bind(vm.exportStatus());
        vm.exportFailed().addListener((o, a, failed) -> {
            exportStatus.getStyleClass().removeAll("hint", "error-text");
            exportStatus.getStyleClass().add(failed ? "error-text" : "hint");
        });
        exportStatus.getStyleClass().add("hint");
        HBox samplesBar = new HBox(8, samplesTitle, spring, exportStatus, refresh, export);
        samplesBar.setAlignment(Pos.CENTER_LEFT);
        SplitPane lower = new SplitPane(table, rows);
        lower.setOrientation(Orientation.HORIZONTAL);
        lower.setDividerPositions(0.55);
        VBox samples = new VBox(4, samplesBar, lower);
        VBox.setVgrow(lower, Priority.ALWAYS);

        SplitPane main = new SplitPane(charts, samples);
        main.setOrientation(Orientation.VERTICAL);
        main.setDividerPositions(0.62);
        main.getStyleClass().add("shadow-split");
        VBox.setVgrow(main, Priority.ALWAYS);
        getChildren().addAll(title, totals, message, errorLine, main);
    }

    /** Replaces the file dialog (tests; a headless run has no native dialog). */
    public void chooser(Function<Window, Path> c) {
        chooser = c;
    }

    private static Path chooseFile(Window owner) {
        FileChooser fc = new FileChooser();
        fc.setTitle("Export mismatch samples");
        fc.setInitialFileName("mismatch-samples.csv");
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV", "*.csv"));
        File f = fc.showSaveDialog(owner);
        return f == null ? null : f.toPath();
    }

    private static TextArea rowsArea(String id) {
        TextArea a = new TextArea();
        a.setId(id);
        a.setEditable(false);
        a.getStyleClass().add("rows-json");
        a.setPromptText("Select a sample");
        return a;
    }

}
