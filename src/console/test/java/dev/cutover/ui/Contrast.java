package dev.cutover.ui;

import javafx.scene.layout.BackgroundFill;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.paint.LinearGradient;
import javafx.scene.paint.Paint;
import javafx.scene.paint.Stop;

import java.util.List;

/** WCAG 2 contrast ratios of what the theme actually paints (text fill against a region's own background). */
public final class Contrast {
    private Contrast() {
    }

    /** The contrast ratio of two colours, 1 (none) to 21 (black on white). */
    public static double ratio(Color a, Color b) {
        double la = luminance(a);
        double lb = luminance(b);
        return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
    }

    /**
     * The lowest contrast of {@code text} against the face of {@code region}: its topmost background
     * fill, every stop of it when that fill is a gradient (a modena button's body).
     */
    public static double lowest(Paint text, Region region) {
        List<BackgroundFill> fills = region.getBackground().getFills();
        Paint face = fills.get(fills.size() - 1).getFill();
        Color fg = (Color) text;
        if (face instanceof LinearGradient g) {
            return g.getStops().stream().map(Stop::getColor).mapToDouble(c -> ratio(fg, c)).min().orElseThrow();
        }
        return ratio(fg, (Color) face);
    }

    private static double luminance(Color c) {
        return 0.2126 * channel(c.getRed()) + 0.7152 * channel(c.getGreen()) + 0.0722 * channel(c.getBlue());
    }

    private static double channel(double v) {
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    }
}
