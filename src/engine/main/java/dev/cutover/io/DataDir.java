package dev.cutover.io;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The user's data folder of Cutover: {@code $XDG_DATA_HOME/cutover}, else
 * {@code ~/.local/share/cutover}. It holds what Cutover keeps between runs on this machine (the
 * console's window state, the demo's own servers); create what goes in it with {@link PrivateFiles}.
 */
public final class DataDir {
    private DataDir() {
    }

    public static Path user() {
        return of(System::getenv, System::getProperty);
    }

    public static Path of(Function<String, String> env, Function<String, String> sysProps) {
        String xdg = env.apply("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "cutover");
        }
        return Path.of(sysProps.apply("user.home"), ".local", "share", "cutover");
    }
}
