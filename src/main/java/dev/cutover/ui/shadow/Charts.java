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
 * light plot with faint grid lines, the legend at the bottom, times in UTC like every other time
 * Cutover shows. Series are changed on the FX thread only (the viewer redraws on change).
 */
public final class Charts {
    /** Series colours, in order: blue, red, green, amber, violet, teal. */
    public static final Color[] PALETTE = {new Color(0x2563eb), new Color(0xc42b1c), new Color(0x15803d),
        new Color(0xb45309), new Color(0x7c3aed), new Color(0x0f766e)};
    private static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Charts() {
    }

    /** A line chart over {@code data} with {@code valueLabel} on the value axis. */
    public static JFreeChart timeChart(TimeSeriesCollection data, String valueLabel, NumberFormat format) {
        JFreeChart chart = ChartFactory.createTimeSeriesChart(null, null, valueLabel, data, true, true, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setPadding(new RectangleInsets(4, 4, 4, 8));
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xe5e7eb));
        plot.setRangeGridlinePaint(new Color(0xe5e7eb));
        plot.setOutlineVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int i = 0; i < PALETTE.length; i++) {
            r.setSeriesPaint(i, PALETTE[i]);
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
        value.setNumberFormatOverride(format == null ? new DecimalFormat("#,##0.##") : format);
        if (format instanceof DecimalFormat d && d.getMaximumFractionDigits() == 0) {
            value.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(TICK);
        legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 14));
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** The chart in a JavaFX node that grows with its container. */
    public static ChartViewer viewer(JFreeChart chart, String id) {
        ChartViewer v = new ChartViewer(chart);
        v.setId(id);
        v.getStyleClass().add("chart-viewer");
        v.setMinSize(200, 150);
        v.setPrefSize(400, 220);
        return v;
    }

    /** A series that keeps at most {@code seconds} seconds of points (older ones drop off). */
    public static TimeSeries series(String name, int seconds) {
        TimeSeries s = new TimeSeries(name);
        s.setMaximumItemAge(seconds);
        return s;
    }
}
