package dev.cutover.ui;

import javafx.beans.property.LongProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;

/**
 * The rows/s cap of a chunked job (backfill, verify) as a slider with its label, bound to a
 * view-model's cap property (0 = no cap). The scale: positions 0–99 run logarithmically from 10 to
 * about 1,000,000 rows/s (rounded to two significant digits), so 200 and 200,000 rows/s are both a
 * few pixels wide; position 100 (far right) is "no cap".
 */
public final class CapSlider {
    public static final double MAX = 100;
    /** Powers of ten the slider spans from its lowest cap, 10 rows/s. */
    private static final int DECADES = 5;

    private CapSlider() {
    }

    /**
     * "Rows/s cap", the slider (id {@code <prefix>-cap}) and the value (id {@code <prefix>-cap-label}).
     * Moving the slider sets {@code cap} when released; setting {@code cap} moves the slider.
     */
    public static HBox control(LongProperty cap, String idPrefix, String tooltip) {
        Slider slider = new Slider(0, MAX, toPosition(cap.get()));
        slider.setId(idPrefix + "-cap");
        slider.setPrefWidth(220);
        slider.setTooltip(new Tooltip(tooltip));
        Label value = new Label();
        value.setId(idPrefix + "-cap-label");
        value.setMinWidth(110);
        value.textProperty().bind(cap.map(c -> label(c.longValue())));
        slider.valueProperty().addListener((o, a, b) -> {
            if (!slider.isValueChanging()) {
                cap.set(toCap(b.doubleValue()));
            }
        });
        slider.valueChangingProperty().addListener((o, a, changing) -> {
            if (!changing) {
                cap.set(toCap(slider.getValue()));
            }
        });
        cap.addListener((o, a, b) -> {
            if (toCap(slider.getValue()) != b.longValue()) {
                slider.setValue(toPosition(b.longValue()));
            }
        });
        HBox box = new HBox(6, new Label("Rows/s cap"), slider, value);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /** The cap at a slider position; 0 means no cap. */
    public static long toCap(double position) {
        if (position >= MAX - 0.5) {
            return 0;
        }
        double raw = 10 * Math.pow(10, Math.max(0, position) / MAX * DECADES);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)) - 1);
        return Math.max(10, Math.round(Math.round(raw / mag) * mag));
    }

    /** The slider position of a cap (0 = no cap, far right). */
    public static double toPosition(long cap) {
        if (cap <= 0) {
            return MAX;
        }
        return Math.min(MAX - 1, Math.max(0, Math.log10(cap / 10.0) / DECADES * MAX));
    }

    public static String label(long cap) {
        return cap <= 0 ? "no cap" : String.format("%,d rows/s", cap);
    }
}
