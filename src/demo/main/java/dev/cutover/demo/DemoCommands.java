package dev.cutover.demo;

import dev.cutover.cli.MoreCommands;

import java.util.List;

/** The sample's commands, added to {@code cutover} when the demo module is on the class path. */
public final class DemoCommands implements MoreCommands {
    @Override
    public List<Class<?>> commands() {
        return List.of(DemoDataCommand.class, DemoCommand.class, LoadCommand.class, DemoE2eCommand.class);
    }
}
