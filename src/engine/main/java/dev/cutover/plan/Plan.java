package dev.cutover.plan;

import java.util.List;
import java.util.Optional;

/** A migration plan (docs/contracts.md, "The plan file"). Immutable; {@link PlanFile} reads and writes it. */
public record Plan(int version, String name, List<TableMapping> tables) {
    public static final int CURRENT_VERSION = 1;

    public Plan {
        tables = List.copyOf(tables);
    }

    /** The table mapping whose target (or, failing that, source) table has this name. */
    public Optional<TableMapping> table(String name) {
        return tables.stream().filter(t -> t.target().table().equals(name)).findFirst()
                .or(() -> tables.stream().filter(t -> t.source().table().equals(name)).findFirst());
    }
}
