package dev.cutover.ui.backfill;

import dev.cutover.ui.CapSlider;
import dev.cutover.ui.ErrorLine;
import dev.cutover.ui.LeaseHolders;
import dev.cutover.ui.Views;
import dev.cutover.ui.shadow.Charts;
import dev.cutover.work.TableProgress;
import dev.cutover.work.TableState;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jfree.data.time.TimeSeriesCollection;


import static dev.cutover.ui.Views.column;
import static dev.cutover.ui.Views.panel;

/** The Backfill screen: controls, per-table progress, throughput chart, workers and errors. Binds to {@link BackfillViewModel} only. */
public final class BackfillView extends VBox {

    public BackfillView(BackfillViewModel vm) {
        getStyleClass().addAll("screen", "backfill-screen");
        Label title = new Label("Backfill");
        title.getStyleClass().add("screen-title");
        Label what = new Label("Copies every row old → new in key-ordered chunks, throttled and resumable; rows already in "
                + "the new database (written by the router) are never overwritten.");
        what.getStyleClass().add("hint");
        Views.wrapping(what);

        Button start = new Button("Start");
        start.setId("backfill-start");
        start.getStyleClass().add("accent");
        start.setOnAction(e -> vm.start());
        start.disableProperty().bind(vm.canStart().not());
        Button pause = new Button();
        pause.setId("backfill-pause");
        pause.textProperty().bind(Bindings.when(vm.paused()).then("Resume").otherwise("Pause"));
        pause.disableProperty().bind(vm.running().not()); // nothing to pause before a run (and none is started paused)
        pause.setOnAction(e -> {
            if (vm.paused().get()) {
                vm.resume();
            } else {
                vm.pause();
            }
        });
        Button stop = new Button("Stop");
        stop.setId("backfill-stop");
        stop.disableProperty().bind(vm.running().not());
        stop.setOnAction(e -> vm.stop());
        stop.setTooltip(new Tooltip("Stops after the chunks in hand; Start resumes where it stopped."));

        HBox cap = CapSlider.control(vm.cap(), "backfill", "Rows per second this console's workers may copy (far right: no cap). "
                + "Acts at once, also on a running backfill and, through Redis, on the other workers of the run.");
        Spinner<Integer> threads = new Spinner<>(1, 64, vm.workerThreads().get());
        threads.setId("backfill-threads");
        threads.setPrefWidth(72);
        threads.valueProperty().addListener((o, a, b) -> vm.workerThreads().set(b));
        threads.disableProperty().bind(vm.running());
        threads.setTooltip(new Tooltip("Worker threads of this console (more machines join with `cutover worker`)"));
        CheckBox restart = new CheckBox("Start over");
        restart.setId("backfill-restart");
        restart.selectedProperty().bindBidirectional(vm.restart());
        restart.disableProperty().bind(vm.running());
        restart.setTooltip(new Tooltip("Forget the progress of earlier runs and copy from the first key again"));
        Views.whole(start, pause, stop, restart);
        cap.getChildren().forEach(n -> {
            if (n instanceof Label l) {
                Views.whole(l);
            }
        });
        // a narrow window puts the threads and Start over on a second line rather than cutting words
        HBox runButtons = new HBox(8, start, pause, stop);
        Label threadsLabel = new Label("Threads");
        Views.whole(threadsLabel);
        HBox workerBox = new HBox(8, threadsLabel, threads, restart);
        workerBox.setAlignment(Pos.CENTER_LEFT);
        FlowPane controls = new FlowPane(24, 8, runButtons, cap, workerBox);
        controls.getStyleClass().add("actions");
        controls.setAlignment(Pos.CENTER_LEFT);

        Label message = new Label();
        message.setId("backfill-message");
        Views.wrapping(message);
        message.textProperty().bind(vm.message());
        ErrorLine errorLine = new ErrorLine();
        errorLine.setId("backfill-error");
        vm.error().addListener((o, a, t) -> {
            if (t == null) {
                errorLine.clear();
            } else {
                errorLine.show(t);
            }
        });

        TableView<TableProgress> tables = new TableView<>(vm.tables());
        tables.setId("backfill-tables");
        tables.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        tables.setPlaceholder(new Label("Open a plan to see its tables."));
        TableColumn<TableProgress, String> name = column("Table", 130, t -> t.table());
        name.setMinWidth(100); // "public.orders"
        tables.getColumns().add(name);
        TableColumn<TableProgress, TableProgress> bar = new TableColumn<>("Progress");
        bar.setPrefWidth(120);
        bar.setMinWidth(90); // a short bar and "100 %"
        bar.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        bar.setCellFactory(c -> new ProgressCell());
        tables.getColumns().add(bar);
        TableColumn<TableProgress, String> rows = column("Rows done", 140, t -> t.rowsTotal() > 0 && t.state() != TableState.COMPLETE
                ? String.format("%,d of ~%,d", t.rowsDone(), t.rowsTotal()) : String.format("%,d", t.rowsDone()));
        rows.setMinWidth(124); // "16,400 of ~20,000"
        tables.getColumns().add(rows);
        tables.getColumns().add(column("Rows/s", 60, t -> t.state() == TableState.RUNNING ? String.format("%,.0f", t.rowsPerSec()) : ""));
        TableColumn<TableProgress, String> eta = column("ETA", 84, t -> t.state() == TableState.RUNNING ? RunSummary.eta(t.eta()) : "");
        eta.setMinWidth(84); // "59 min 59 s" whole
        tables.getColumns().add(eta);
        TableColumn<TableProgress, String> state = column("State", 80, t -> t.state().word());
        state.setMinWidth(76); // "complete"
        tables.getColumns().add(state);
        Views.headersWhole(tables);

        TimeSeriesCollection data = new TimeSeriesCollection(vm.throughput());
        var throughputChart = Charts.timeChart(data, "rows/s", null);
        throughputChart.getXYPlot().setNoDataMessage(vm.chartNote().get());
        vm.chartNote().addListener((o, a, b) -> throughputChart.getXYPlot().setNoDataMessage(b));
        Charts.nowWhileEmpty(throughputChart, vm.throughput(), BackfillViewModel.CHART_SECONDS);
        secondsAtLeast((org.jfree.chart.axis.DateAxis) throughputChart.getXYPlot().getDomainAxis());
        // a single sample is a point (a line needs two)
        var line = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) throughputChart.getXYPlot().getRenderer();
        vm.throughput().addChangeListener(e -> line.setDefaultShapesVisible(vm.throughput().getItemCount() == 1));
        var chart = Charts.viewer(throughputChart, "backfill-chart");

        var workers = LeaseHolders.table(vm.workers(), "backfill-workers", "No worker holds a chunk lease in Redis now.");

        TableView<BackfillViewModel.RunError> errors = new TableView<>(vm.errors());
        errors.setId("backfill-errors");
        errors.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        errors.setPlaceholder(new Label("No errors."));
        errors.getColumns().add(column("Table", 120, r -> r.table()));
        errors.getColumns().add(column("Key range", 140, r -> r.range()));
        TableColumn<BackfillViewModel.RunError, String> err = column("Error", 300, r -> r.error());
        err.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(String s, boolean empty) {
                super.updateItem(s, empty);
                setText(empty ? null : s);
                setTooltip(empty || s == null ? null : new Tooltip(s));
                getStyleClass().remove("error-text");
                if (!empty) {
                    getStyleClass().add("error-text");
                }
            }
        });
        errors.getColumns().add(err);
        Views.headersWhole(errors);

        Label summary = new Label();
        summary.setId("backfill-summary");
        summary.getStyleClass().add("hint");
        Views.wrapping(summary); // the run's error at its end is read whole, not cut at the window's edge
        summary.textProperty().bind(vm.summary());

        // the tables across the whole width (their columns whole at 960 px), the chart and the workers
        // below; the errors' panel only while there are errors
        VBox tablesPanel = panel("Tables", tables);
        // the header and four rows at least, here and in the errors' table: a short window scrolls the
        // screen rather than squeezing the tables to a row or two
        VBox.setVgrow(tablesPanel, Priority.ALWAYS);
        VBox chartPanel = panel("Throughput", chart);
        HBox.setHgrow(chartPanel, Priority.ALWAYS);
        VBox workersPanel = panel("Workers holding chunk leases", workers);
        workersPanel.setPrefWidth(340);
        workersPanel.setMinWidth(250);
        HBox below = new HBox(16, chartPanel, workersPanel);
        tables.setMinHeight(TABLE_MIN_HEIGHT);
        VBox.setVgrow(below, Priority.ALWAYS);
        VBox errorsPanel = panel("Errors (with their key ranges)", errors);
        VBox.setVgrow(errorsPanel, Priority.ALWAYS);
        errors.setMinHeight(TABLE_MIN_HEIGHT);
        errorsPanel.visibleProperty().bind(Bindings.isNotEmpty(vm.errors()));
        errorsPanel.managedProperty().bind(errorsPanel.visibleProperty());
        VBox grid = new VBox(12, tablesPanel, below, errorsPanel);
        grid.getStyleClass().add("backfill-grid");
        VBox.setVgrow(grid, Priority.ALWAYS);

        // the run summary right under the message: a wrapped last line is never the one cut at the screen's bottom
        getChildren().addAll(title, what, controls, message, errorLine, summary, grid);
    }

    /** A table's least height: its header and four rows. */
    static final double TABLE_MIN_HEIGHT = 26 + 4 * 24 + 4;

    /**
     * Ticks a second apart at least on the time axis (its labels are HH:mm:ss: ticks closer than that
     * would read "20:42:15 20:42:15"), and ten seconds shown at least around a run's only sample.
     */
    static void secondsAtLeast(org.jfree.chart.axis.DateAxis axis) {
        var units = new org.jfree.chart.axis.TickUnits();
        java.text.DateFormat hms = new java.text.SimpleDateFormat("HH:mm:ss");
        hms.setTimeZone(java.util.TimeZone.getTimeZone("UTC"));
        for (int n : new int[] {1, 2, 5, 10, 15, 30}) {
            units.add(new org.jfree.chart.axis.DateTickUnit(org.jfree.chart.axis.DateTickUnitType.SECOND, n, hms));
        }
        for (int n : new int[] {1, 2, 5, 10, 15, 30}) {
            units.add(new org.jfree.chart.axis.DateTickUnit(org.jfree.chart.axis.DateTickUnitType.MINUTE, n, hms));
        }
        for (int n : new int[] {1, 2, 6, 12}) {
            units.add(new org.jfree.chart.axis.DateTickUnit(org.jfree.chart.axis.DateTickUnitType.HOUR, n, hms));
        }
        axis.setStandardTickUnits(units);
        axis.setAutoRangeMinimumSize(10_000);
    }

    /** A progress bar with its percentage. */
    private static final class ProgressCell extends TableCell<TableProgress, TableProgress> {
        private final ProgressBar bar = new ProgressBar();
        private final Label pct = new Label();
        private final HBox box = new HBox(6, bar, pct);

        ProgressCell() {
            bar.setMaxWidth(Double.MAX_VALUE);
            HBox.setHgrow(bar, Priority.ALWAYS);
            pct.setMinWidth(Region.USE_PREF_SIZE); // "100 %" whole; the bar gives way
            box.setAlignment(Pos.CENTER_LEFT);
            bar.getStyleClass().add("table-progress");
        }

        @Override
        protected void updateItem(TableProgress t, boolean empty) {
            super.updateItem(t, empty);
            if (empty || t == null) {
                setGraphic(null);
                return;
            }
            bar.setProgress(t.fraction());
            bar.getStyleClass().removeAll("failed", "complete");
            if (t.state() == TableState.FAILED) {
                bar.getStyleClass().add("failed");
            } else if (t.state() == TableState.COMPLETE) {
                bar.getStyleClass().add("complete");
            }
            pct.setText(String.format("%.0f %%", t.fraction() * 100));
            setGraphic(box);
        }
    }
}
