package dev.cutover.ui.shadow;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.time.TimeSeries;
import org.jfree.data.time.TimeSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import java.text.SimpleDateFormat;
import java.util.TimeZone;

/**
 * Time-series line charts (JFreeChart over {@link TimeSeriesCollection}, shown in a JFreeChart-FX
 * {@link ChartViewer}) drawn in the console's colours: no chart title (the screen labels it), a
 * plain plot with faint grid lines, the legend at the bottom, times in UTC like every other time
 * Cutover shows. A viewer follows the theme (style class {@code dark} on the scene's root).
 * Series are changed on the FX thread only.
 *
 * <p>The legend's font differs from the axes' on purpose: JFreeChart-FX's {@code ChartCanvas}
 * wraps every redraw in {@code GraphicsContext.save()/restore()} while its {@code FXGraphics2D}
 * remembers the last font it set and skips setting an equal one, so with one font for all text
 * every redraw after the first drew it in JavaFX's default 13 px font, measured as 11 px (legend
 * labels ran into the next item). A redraw starts with the legend, the previous one ended with
 * the axes; two unequal fonts (neither FXGraphics2D's initial SansSerif 12) make every redraw set
 * its font for real.
 */
public final class Charts {
    /** Series colours on the light theme, in order: blue, red, green, amber, violet, teal. */
    public static final Color[] PALETTE = {new Color(0x2563eb), new Color(0xc42b1c), new Color(0x15803d),
        new Color(0xb45309), new Color(0x7c3aed), new Color(0x0f766e)};
    /** The same hues, lighter, on the dark theme. */
    public static final Color[] DARK_PALETTE = {new Color(0x6b9bff), new Color(0xf87171), new Color(0x4ade80),
        new Color(0xfbbf24), new Color(0xa78bfa), new Color(0x2dd4bf)};
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    /** Not 12: that is FXGraphics2D's initial font, which it would not set on the first draw either. */
    private static final Font LEGEND = TICK.deriveFont(11.5f);

    /** Backgrounds, grid, text and axis lines of one theme (the theme's -cut-surface, -cut-border, -cut-muted, -cut-text). */
    private record Look(Color surface, Color grid, Color muted, Color text, Color[] palette) {
    }

    private static final Look LIGHT = new Look(Color.WHITE, new Color(0xe5e7eb), new Color(0x5d6776), new Color(0x1d2430), PALETTE);
    private static final Look DARK = new Look(new Color(0x232933), new Color(0x3a4250), new Color(0x9aa4b2), new Color(0xe4e8ee),
            DARK_PALETTE);

    private Charts() {
    }

    /** A line chart over {@code data} with {@code valueLabel} on the value axis. */
    public static JFreeChart timeChart(TimeSeriesCollection data, String valueLabel, NumberFormat format) {
        JFreeChart chart = ChartFactory.createTimeSeriesChart(null, null, valueLabel, data, true, true, false);
        chart.setAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        XYPlot plot = chart.getXYPlot();
        plot.setOutlineVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        plot.setRenderer(r);
        DateAxis time = (DateAxis) plot.getDomainAxis();
        SimpleDateFormat hms = new SimpleDateFormat("HH:mm:ss");
        hms.setTimeZone(TimeZone.getTimeZone("UTC"));
        time.setDateFormatOverride(hms);
        time.setTimeZone(TimeZone.getTimeZone("UTC"));
        time.setTickLabelFont(TICK);
        time.setLowerMargin(0);
        time.setUpperMargin(0);
        NumberAxis value = (NumberAxis) plot.getRangeAxis();
        value.setTickLabelFont(TICK);
        value.setLabelFont(TICK);
        value.setAutoRangeIncludesZero(true);
        value.setRangeType(org.jfree.data.RangeType.POSITIVE); // rates, latencies and counts: never below 0
        value.setAutoRangeMinimumSize(1); // all zeros: 0 to 1, not ±0.0001
        plot.setNoDataMessageFont(LEGEND);
        value.setNumberFormatOverride(format == null ? new DecimalFormat("#,##0.##") : format);
        if (format instanceof DecimalFormat d && d.getMaximumFractionDigits() == 0) {
            value.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(LEGEND);
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 14));
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        style(chart, false);
        return chart;
    }

    /** Paints {@code chart} in the light or the dark theme's colours. */
    public static void style(JFreeChart chart, boolean dark) {
        Look look = dark ? DARK : LIGHT;
        chart.setBackgroundPaint(look.surface());
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(look.surface());
        plot.setDomainGridlinePaint(look.grid());
        plot.setRangeGridlinePaint(look.grid());
        for (var axis : new org.jfree.chart.axis.ValueAxis[] {plot.getDomainAxis(), plot.getRangeAxis()}) {
            axis.setTickLabelPaint(look.muted());
            axis.setLabelPaint(look.muted());
            axis.setAxisLinePaint(look.grid());
            axis.setTickMarkPaint(look.grid());
        }
        var r = plot.getRenderer();
        for (int i = 0; i < look.palette().length; i++) {
            r.setSeriesPaint(i, look.palette()[i]);
        }
        chart.getLegend().setBackgroundPaint(look.surface());
        chart.getLegend().setItemPaint(look.text());
        plot.setNoDataMessagePaint(look.muted());
    }

    /**
     * While {@code series} is empty the time axis shows the {@code seconds} up to now (not the
     * epoch's 00:00:00 an empty auto range gives); with data, the data's span.
     */
    public static void nowWhileEmpty(JFreeChart chart, TimeSeries series, int seconds) {
        var axis = chart.getXYPlot().getDomainAxis();
        Runnable follow = () -> {
            if (series.isEmpty()) {
                long now = System.currentTimeMillis();
                axis.setRange(now - seconds * 1000L, now);
            } else if (!axis.isAutoRange()) {
                axis.setAutoRange(true);
            }
        };
        series.addChangeListener(e -> follow.run());
        follow.run();
    }

    /** Shows exactly the {@code seconds} before {@code endMillis} on the time axis (data or not). */
    public static void window(JFreeChart chart, long endMillis, int seconds) {
        chart.getXYPlot().getDomainAxis().setRange(endMillis - seconds * 1000L, endMillis);
    }

    /** The chart in a JavaFX node that grows with its container and follows the theme of the window it is shown in. */
    public static ChartViewer viewer(JFreeChart chart, String id) {
        ChartViewer v = new ChartViewer(chart);
        v.setId(id);
        v.getStyleClass().add("chart-viewer");
        v.setMinSize(200, 100); // below four times this the Shadow reads screen scrolls its charts (WindowSizesTest)
        v.setPrefSize(400, 220);
        javafx.collections.ListChangeListener<String> follow = c -> style(chart, c.getList().contains("dark"));
        v.sceneProperty().addListener((o, was, scene) -> {
            if (was != null && was.getRoot() != null) {
                was.getRoot().getStyleClass().removeListener(follow);
            }
            if (scene != null && scene.getRoot() != null) {
                scene.getRoot().getStyleClass().addListener(follow);
                style(chart, scene.getRoot().getStyleClass().contains("dark"));
            }
        });
        return v;
    }

    /** A series that keeps at most {@code seconds} seconds of points (older ones drop off). */
    public static TimeSeries series(String name, int seconds) {
        TimeSeries s = new TimeSeries(name);
        s.setMaximumItemAge(seconds);
        return s;
    }
}
