package dev.cutover.cli;

import picocli.CommandLine.Command;

/** {@code cutover plan …}: work on a plan file. */
@Command(name = "plan", description = "Check a plan against the live databases.", subcommands = {PlanCheckCommand.class})
public final class PlanCommand {
}
