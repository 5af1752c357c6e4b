package dev.cutover.control;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The read-percent steps of the traffic shift: 0, 1, 5, 25, 50, 100. Going up is one step at a
 * time; going down to any step is always allowed (ramping down is a rollback); any other value
 * needs an override.
 */
public final class TrafficSteps {
    public static final int[] STEPS = {0, 1, 5, 25, 50, 100};

    private TrafficSteps() {
    }

    public static boolean isStep(int p) {
        return Arrays.stream(STEPS).anyMatch(s -> s == p);
    }

    /** The next step above {@code p} (100 stays 100). */
    public static int next(int p) {
        for (int s : STEPS) {
            if (s > p) {
                return s;
            }
        }
        return 100;
    }

    /** The step below {@code p} (0 stays 0); for a value between steps, the step under it. */
    public static int previous(int p) {
        int prev = 0;
        for (int s : STEPS) {
            if (s < p) {
                prev = s;
            }
        }
        return prev;
    }

    /** Why moving from {@code current} to {@code target} needs an override, or null if it does not. */
    public static String refusal(int current, int target) {
        if (!isStep(target)) {
            return target + "% is not a step (" + list() + ")";
        }
        if (target > current && target != next(current)) {
            return "from " + current + "% the next step up is " + next(current) + "%, not " + target + "%";
        }
        return null;
    }

    public static String list() {
        return Arrays.stream(STEPS).mapToObj(Integer::toString).collect(Collectors.joining(", "));
    }
}
