package dev.cutover.cli;

import java.util.List;

/**
 * Subcommands that another module adds to {@code cutover} (the demo's commands), found with
 * {@link java.util.ServiceLoader}: the command line does not depend on the modules that extend it.
 */
public interface MoreCommands {
    /** picocli command classes, in the order of the help. */
    List<Class<?>> commands();
}
