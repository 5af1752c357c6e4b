package dev.cutover.cli;

import picocli.CommandLine.Command;

/** {@code cutover plan …}: work on a plan file. */
@Command(name = "plan", description = "Check a plan against the live databases, or print the SQL it runs.", subcommands = {PlanCheckCommand.class, PlanSqlCommand.class})
public final class PlanCommand {
}
