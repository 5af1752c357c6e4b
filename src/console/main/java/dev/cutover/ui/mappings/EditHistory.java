package dev.cutover.ui.mappings;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.Optional;

/**
 * Undo and redo of a value edited in steps (the Mappings screen's plan), each step with a label
 * that says what it did ("mapped orders.total → total_cents"), so the status line can say what an
 * undo or redo undid or redid. A run of typing in one place is one step ({@link #amend}). Also
 * knows the value last saved. Plain Java: tested without a window.
 */
public final class EditHistory<T> {
    /** One state and the label of the step that led to it. */
    public record Step<T>(T value, String label) {
    }

    private final Deque<Step<T>> undo = new ArrayDeque<>();
    private final Deque<Step<T>> redo = new ArrayDeque<>();
    private T current;
    private String currentLabel = "";
    private T saved;

    /** Starts over at {@code value} (opened or new): no step to undo or redo. */
    public void reset(T value, boolean isSaved) {
        undo.clear();
        redo.clear();
        current = value;
        currentLabel = "";
        saved = isSaved ? value : null;
    }

    /** A new step to {@code next}, labelled; false (nothing recorded) when it changes nothing. Clears redo. */
    public boolean record(T next, String label) {
        if (Objects.equals(next, current)) {
            return false;
        }
        undo.push(new Step<>(current, currentLabel));
        redo.clear();
        current = next;
        currentLabel = label;
        return true;
    }

    /** Changes the current step's value in place (typing on in the same place: one undo step). */
    public void amend(T next) {
        current = next;
    }

    /** Goes one step back; the step undone (its label says what it did), or empty. */
    public Optional<Step<T>> undo() {
        if (undo.isEmpty()) {
            return Optional.empty();
        }
        Step<T> done = new Step<>(current, currentLabel);
        redo.push(done);
        Step<T> back = undo.pop();
        current = back.value();
        currentLabel = back.label();
        return Optional.of(done);
    }

    /** Goes one step forward again; the step redone, or empty. */
    public Optional<Step<T>> redo() {
        if (redo.isEmpty()) {
            return Optional.empty();
        }
        undo.push(new Step<>(current, currentLabel));
        Step<T> again = redo.pop();
        current = again.value();
        currentLabel = again.label();
        return Optional.of(again);
    }

    public T current() {
        return current;
    }

    public boolean canUndo() {
        return !undo.isEmpty();
    }

    public boolean canRedo() {
        return !redo.isEmpty();
    }

    /** Marks the current value as saved. */
    public void saved() {
        saved = current;
    }

    /** Whether the current value differs from the one last saved (always, when never saved). */
    public boolean dirty() {
        return saved == null || !Objects.equals(current, saved);
    }
}
