package dev.cutover.ui;

import java.nio.file.Path;
import java.util.prefs.Preferences;

/** What the console remembers between runs (java.util.prefs): window size, last plan, dark theme. Never a password. */
public final class WindowPrefs {
    private final Preferences prefs;

    public WindowPrefs(Preferences prefs) {
        this.prefs = prefs;
    }

    public static WindowPrefs user() {
        return new WindowPrefs(Preferences.userRoot().node("dev/cutover/console"));
    }

    public double width() {
        return prefs.getDouble("width", 1280);
    }

    public double height() {
        return prefs.getDouble("height", 800);
    }

    public void size(double w, double h) {
        prefs.putDouble("width", w);
        prefs.putDouble("height", h);
    }

    public Path lastPlan() {
        String p = prefs.get("lastPlan", null);
        return p == null ? null : Path.of(p);
    }

    public void lastPlan(Path p) {
        if (p == null) {
            prefs.remove("lastPlan");
        } else {
            prefs.put("lastPlan", p.toAbsolutePath().toString());
        }
    }

    public boolean dark() {
        return prefs.getBoolean("dark", false);
    }

    public void dark(boolean dark) {
        prefs.putBoolean("dark", dark);
    }
}
