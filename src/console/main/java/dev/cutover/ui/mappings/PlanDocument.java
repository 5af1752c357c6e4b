package dev.cutover.ui.mappings;

import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The plan being edited as a document: the plan (an immutable snapshot per step), the file it was
 * opened from or saved to, its undo/redo ({@link EditHistory}, each step labelled) and whether it
 * differs from what was saved. Save writes only what the engine would read back
 * ({@link PlanFile#writeChecked}): it throws a one-line error and changes nothing when it fails.
 * Properties without a window: tested alone.
 */
final class PlanDocument {
    private final ObjectProperty<Plan> plan = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final BooleanProperty canUndo = new SimpleBooleanProperty(false);
    private final BooleanProperty canRedo = new SimpleBooleanProperty(false);
    private final EditHistory<Plan> history = new EditHistory<>();

    PlanDocument() {
        plan.addListener((o, a, b) -> {
            dirty.set(history.dirty());
            canUndo.set(history.canUndo());
            canRedo.set(history.canRedo());
        });
    }

    /** Shows {@code p} (read from {@code path}, or new with none), its history reset; {@code saved}: it is what the file holds. */
    void load(Plan p, Path path, boolean saved) {
        history.reset(p, saved);
        file.set(path);
        plan.set(p);
        dirty.set(history.dirty());
    }

    /** Writes the plan to {@code path} (false without a plan); a plan the engine would refuse is not written. */
    boolean saveAs(Path path) {
        Plan p = plan.get();
        if (p == null) {
            return false;
        }
        PlanFile.writeChecked(p, path);
        history.saved();
        file.set(path);
        dirty.set(false);
        return true;
    }

    /** A new undo step to {@code next}, labelled; false when it changes nothing. */
    boolean change(Plan next, String label) {
        if (history.record(next, label)) {
            plan.set(next);
            return true;
        }
        return false;
    }

    /** {@code next} replaces the current step (typing on in one column is one step). */
    void amend(Plan next) {
        history.amend(next);
        plan.set(next);
    }

    /** One step back: the label of what was undone, empty when there is nothing to undo. */
    Optional<String> undo() {
        return history.undo().map(step -> {
            plan.set(history.current());
            return step.label();
        });
    }

    /** One step forward again: the label of what was redone. */
    Optional<String> redo() {
        return history.redo().map(step -> {
            plan.set(history.current());
            return step.label();
        });
    }

    /**
     * Where the plan is, for the screen's header: {@code plan.json in /home/dba/migrations} (the
     * folder, so two plans of one name are told apart), "not saved yet", or empty without a plan.
     */
    StringExpression location() {
        return Bindings.createStringBinding(() -> {
            if (plan.get() == null) {
                return "";
            }
            Path f = file.get();
            if (f == null) {
                return "not saved yet";
            }
            Path abs = f.toAbsolutePath();
            return abs.getFileName() + " in " + (abs.getParent() == null ? "/" : abs.getParent().toString());
        }, plan, file);
    }

    /** "saas-orders — plan.json •" for the window title; "No plan open" without one. */
    StringExpression title() {
        return Bindings.createStringBinding(() -> {
            Plan p = plan.get();
            if (p == null) {
                return "No plan open";
            }
            return p.name() + " — " + (file.get() == null ? "not saved yet" : file.get().getFileName().toString())
                    + (dirty.get() ? " •" : "");
        }, plan, file, dirty);
    }

    ObjectProperty<Plan> plan() {
        return plan;
    }

    ObjectProperty<Path> file() {
        return file;
    }

    BooleanProperty dirty() {
        return dirty;
    }

    BooleanProperty canUndo() {
        return canUndo;
    }

    BooleanProperty canRedo() {
        return canRedo;
    }
}
