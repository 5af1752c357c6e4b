package dev.cutover.sync;

import dev.cutover.pg.Schema;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Flow;

import java.util.List;
import java.util.Optional;

/**
 * What a re-sync needs to know about the tables around the one it writes, on the side it writes:
 * the foreign keys there and the plan's flow (same direction) into each table. With it, a row whose
 * parent has not reached the other side yet (its mirror still queued) brings the parent along
 * from the truth, and a key whose children are still there has them re-synced first — so repair
 * and replay do not depend on the order in which tables or keys come.
 */
public interface Relations {
    /** No knowledge of other tables: a foreign-key violation is reported as it is. */
    Relations NONE = new Relations() {
        @Override
        public Optional<Flow> flowInto(TableRef table) {
            return Optional.empty();
        }

        @Override
        public List<Schema.ForeignKey> foreignKeysOf(TableRef table) {
            return List.of();
        }

        @Override
        public List<Referencing> referencing(TableRef table) {
            return List.of();
        }
    };

    /** A foreign key declared on {@code table} (the child) of the written side. */
    record Referencing(TableRef table, Schema.ForeignKey key) {
    }

    /** The plan's flow, in this re-sync's direction, that writes {@code table} on the written side. */
    Optional<Flow> flowInto(TableRef table);

    /** The foreign keys declared on {@code table} of the written side. */
    List<Schema.ForeignKey> foreignKeysOf(TableRef table);

    /** The foreign keys of other tables of the written side that reference {@code table}. */
    List<Referencing> referencing(TableRef table);
}
