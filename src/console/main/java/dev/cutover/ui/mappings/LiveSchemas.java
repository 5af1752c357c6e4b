package dev.cutover.ui.mappings;

import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.TableMapping;
import dev.cutover.ui.BackgroundTasks;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Both live catalogs of the Mappings screen: each read in the background ({@link SchemaReader}, a
 * connection of its own closed after) into a property the screen follows, and what they say of one
 * table mapping (its old and new table, completions of old column names).
 */
final class LiveSchemas {
    private final BackgroundTasks tasks;
    private final ObjectProperty<Schema> oldSchema = new SimpleObjectProperty<>();
    private final ObjectProperty<Schema> newSchema = new SimpleObjectProperty<>();

    LiveSchemas(BackgroundTasks tasks) {
        this.tasks = tasks;
    }

    /** Reads the catalog of each database given (null: left as it is); a failure goes to {@code failed}. */
    void load(Db oldDb, Db newDb, Consumer<Throwable> failed) {
        if (oldDb != null) {
            tasks.run("Reading the old schema", pr -> SchemaReader.read(oldDb), oldSchema::set, failed);
        }
        if (newDb != null) {
            tasks.run("Reading the new schema", pr -> SchemaReader.read(newDb), newSchema::set, failed);
        }
    }

    /** The old table {@code t} reads, once the old catalog is read and has it. */
    Optional<Schema.Table> oldTable(TableMapping t) {
        return t == null || oldSchema.get() == null ? Optional.empty() : oldSchema.get().table(t.source());
    }

    /** The new table {@code t} fills, once the new catalog is read and has it. */
    Optional<Schema.Table> newTable(TableMapping t) {
        return t == null || newSchema.get() == null ? Optional.empty() : newSchema.get().table(t.target());
    }

    /** Old column names of {@code t} starting with {@code prefix} (case-insensitive), for completion. */
    List<String> completions(TableMapping t, String prefix) {
        String p = prefix.toLowerCase(Locale.ROOT);
        return oldTable(t).map(x -> x.columns().stream().map(Schema.Column::name)
                .filter(c -> c.toLowerCase(Locale.ROOT).startsWith(p)).toList()).orElse(List.of());
    }

    ObjectProperty<Schema> oldSchema() {
        return oldSchema;
    }

    ObjectProperty<Schema> newSchema() {
        return newSchema;
    }
}
