package dev.cutover.control;

import java.util.List;

/** A forward move or traffic step refused by its guards; nothing was changed. */
public final class GuardRefusedException extends ControlException {
    private static final long serialVersionUID = 1L;
    private final transient List<GuardCheck> failed;

    public GuardRefusedException(String message, List<GuardCheck> failed) {
        super(message);
        this.failed = List.copyOf(failed);
    }

    /** The guards that failed (empty for a refusal that is not a guard, e.g. a traffic step). */
    public List<GuardCheck> failed() {
        return failed;
    }
}
