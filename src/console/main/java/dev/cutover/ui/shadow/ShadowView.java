package dev.cutover.ui.shadow;

import dev.cutover.ui.ErrorLine;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
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
    private Function<Window, Path> chooser;

    public ShadowView(ShadowViewModel vm) {
        chooser = w -> chooseFile(w, vm.planName());
        getStyleClass().addAll("screen", "shadow-screen");
        Label title = new Label("Shadow reads");
        title.getStyleClass().add("screen-title");
        Label totals = new Label();
        totals.setId("shadow-totals");
        totals.textProperty().bind(vm.totals());
        dev.cutover.ui.Views.wrapping(totals);
        Label message = new Label();
        message.setId("shadow-message");
        message.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(message);
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
        charts.setId("shadow-charts");
        charts.getStyleClass().add("chart-grid");
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            charts.getColumnConstraints().add(c);
            RowConstraints r = new RowConstraints();
            r.setPercentHeight(50);
            r.setVgrow(Priority.ALWAYS);
            r.setValignment(javafx.geometry.VPos.TOP); // a chart taller than its row runs down, never up over the lines above
            charts.getRowConstraints().add(r);
        }
        var mismatch = Charts.timeChart(vm.mismatchRate(), "%", pct);
        var errors = Charts.timeChart(vm.errorRate(), "%", pct);
        var latency = Charts.timeChart(vm.latency(), "ms", null);
        var mirror = Charts.timeChart(vm.mirror(), "count", new DecimalFormat("#,##0"));
        mismatch.getXYPlot().setNoDataMessage("No shadow comparison in the last " + ShadowViewModel.WINDOW_SECONDS / 60 + " minutes");
        errors.getXYPlot().setNoDataMessage("No reads in the last " + ShadowViewModel.WINDOW_SECONDS / 60 + " minutes");
        latency.getXYPlot().setNoDataMessage("No reads in the last " + ShadowViewModel.WINDOW_SECONDS / 60 + " minutes");
        mirror.getXYPlot().setNoDataMessage("No mirror writes in the last " + ShadowViewModel.WINDOW_SECONDS / 60 + " minutes");
        vm.windowEnd().addListener((o, a, end) -> {
            for (var c : java.util.List.of(mismatch, errors, latency, mirror)) {
                Charts.window(c, end.longValue(), ShadowViewModel.WINDOW_SECONDS);
            }
        });
        charts.add(panel("Mismatch rate (confirmed mismatches per comparison)", Charts.viewer(mismatch, "shadow-mismatch-chart")), 0, 0);
        charts.add(panel("Error rate", Charts.viewer(errors, "shadow-error-chart")), 1, 0);
        charts.add(panel("Read latency, old vs new", Charts.viewer(latency, "shadow-latency-chart")), 0, 1);
        charts.add(panel("Mirror writes", Charts.viewer(mirror, "shadow-mirror-chart")), 1, 1);

        TableView<ShadowViewModel.Sample> table = new TableView<>(vm.samples());
        table.setId("shadow-samples");
        // four columns that fit their pane at 1024 px (no sideways scrolling): the time whole, the query takes the
        // spare width; mode and each side's time are in the line above the rows side by side
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_ALL_COLUMNS);
        table.setPlaceholder(new Label("No mismatch samples stored."));
        var time = column("Time (UTC)", 142, ShadowViewModel.Sample::at);
        // a long query name is broken onto lines after its "_" and "." (as the Verify screen's table names), never cut
        var query = dev.cutover.ui.verify.NameLines.column("Query", 160, ShadowViewModel.Sample::query);
        var served = column("Served", 58, ShadowViewModel.Sample::served);
        var rowCounts = column("Rows", 50, (ShadowViewModel.Sample s) -> s.oldRows() + " / " + s.newRows()); // old / new
        table.getColumns().add(time);
        table.getColumns().add(query);
        table.getColumns().add(served);
        table.getColumns().add(rowCounts);
        dev.cutover.ui.Views.headersWhole(table);
        time.setMinWidth(Math.max(time.getMinWidth(), dev.cutover.ui.Views.textWidth("2026-12-07 00:00:00", false) + 24));
        for (var c : java.util.List.of(time, served, rowCounts)) {
            c.setPrefWidth(c.getMinWidth());
            c.setMaxWidth(c.getMinWidth()); // the spare width all to the query's name
        }
        table.setMinWidth(table.getColumns().stream().mapToDouble(javafx.scene.control.TableColumn::getMinWidth).sum() + 20);
        TextArea oldRows = rowsArea("shadow-old-rows");
        TextArea newRows = rowsArea("shadow-new-rows");
        Label sampleLine = new Label(); // empty (and laid out in no space) until a sample is selected: the rows say "Select a sample"
        sampleLine.setId("shadow-sample-line");
        sampleLine.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(sampleLine);
        table.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> {
            oldRows.setText(s == null ? "" : s.oldRowsJson());
            newRows.setText(s == null ? "" : s.newRowsJson());
            sampleLine.setText(s == null ? "" : sampleLine(s));
        });
        sampleLine.managedProperty().bind(sampleLine.textProperty().isNotEmpty());
        sampleLine.visibleProperty().bind(sampleLine.managedProperty());
        HBox rowsSideBySide = new HBox(8, panel("Old rows", oldRows), panel("New rows", newRows));
        rowsSideBySide.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
        VBox rows = new VBox(4, sampleLine, rowsSideBySide);
        VBox.setVgrow(rowsSideBySide, Priority.ALWAYS);

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
        dev.cutover.ui.Views.whole(samplesTitle, refresh, export);
        HBox samplesBar = new HBox(8, samplesTitle, spring, exportStatus, refresh, export);
        samplesBar.setAlignment(Pos.CENTER_LEFT);
        SplitPane lower = new SplitPane(table, rows);
        lower.setOrientation(Orientation.HORIZONTAL);
        lower.setDividerPositions(0.52);
        VBox samples = new VBox(4, samplesBar, lower);
        VBox.setVgrow(lower, Priority.ALWAYS);

        // in a window too short for the four charts' least height they scroll, whole, instead of being cut at an edge
        ScrollPane chartsScroll = new ScrollPane(charts);
        chartsScroll.setId("shadow-charts-scroll");
        chartsScroll.setFitToWidth(true);
        chartsScroll.setFitToHeight(true); // fills the split's top when tall enough; scrolls below the grid's least height
        chartsScroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        chartsScroll.getStyleClass().add("edge-to-edge");
        SplitPane main = new SplitPane(chartsScroll, samples);
        main.setOrientation(Orientation.VERTICAL);
        main.setDividerPositions(0.62);
        main.getStyleClass().add("shadow-split");
        // in a window too short for the charts' least height the split's top item is laid above the split: cut there, not over the message
        javafx.scene.shape.Rectangle mainClip = new javafx.scene.shape.Rectangle();
        mainClip.widthProperty().bind(main.widthProperty());
        mainClip.heightProperty().bind(main.heightProperty());
        main.setClip(mainClip);
        VBox.setVgrow(main, Priority.ALWAYS);
        getChildren().addAll(title, totals, message, errorLine, main);
    }

    /** Replaces the file dialog (tests; a headless run has no native dialog). */
    public void chooser(Function<Window, Path> c) {
        chooser = c;
    }

    private static Path chooseFile(Window owner, String plan) {
        FileChooser fc = dev.cutover.ui.ExportFiles.chooser("Export mismatch samples", plan, "shadow-samples");
        File f = fc.showSaveDialog(owner);
        if (f != null) {
            dev.cutover.ui.ExportFiles.used(f.toPath());
        }
        return f == null ? null : f.toPath();
    }

    /** The selected sample's mode, the side served and each side's time and rows, above its rows side by side. */
    static String sampleLine(ShadowViewModel.Sample s) {
        return s.query() + " · mode " + s.mode() + " · served by " + s.served() + " · old " + side(s.oldMs(), s.oldRows())
                + " · new " + side(s.newMs(), s.newRows());
    }

    private static String side(String ms, int rows) {
        return (ms == null || ms.isBlank() ? "no time" : ms + " ms") + ", " + rows + (rows == 1 ? " row" : " rows");
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
