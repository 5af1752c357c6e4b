package dev.cutover.ui;

/** What the console knows about one endpoint: not set, up (with a detail such as version and latency) or down (the error). */
public record Health(State state, String detail) {
    public enum State { NOT_SET, UP, DOWN }

    public static final Health NOT_SET = new Health(State.NOT_SET, "not connected");

    public static Health up(String detail) {
        return new Health(State.UP, detail);
    }

    public static Health down(String error) {
        return new Health(State.DOWN, error);
    }
}
