package dev.cutover.sync;

import dev.cutover.pg.Schema;
import dev.cutover.plan.Plan;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.sql.Direction;
import dev.cutover.sql.Flow;
import dev.cutover.sql.MappingSql;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Relations} from a plan and both live schemas: the written side is the new database going
 * forward and the old one in reverse; a table's flow is built from the plan table that writes it
 * (once, on first use). A plan table that does not fit the schemas any more has no flow here; the
 * violation it would have fixed is then reported as it is.
 */
public final class PlanRelations implements Relations {
    private final Plan plan;
    private final Schema oldSchema;
    private final Schema newSchema;
    private final Direction direction;
    private final Map<TableRef, Optional<Flow>> flows = new ConcurrentHashMap<>();

    public PlanRelations(Plan plan, Schema oldSchema, Schema newSchema, Direction direction) {
        this.plan = plan;
        this.oldSchema = oldSchema;
        this.newSchema = newSchema;
        this.direction = direction;
    }

    private Schema written() {
        return direction == Direction.FORWARD ? newSchema : oldSchema;
    }

    @Override
    public Optional<Flow> flowInto(TableRef table) {
        return flows.computeIfAbsent(table, this::build);
    }

    private Optional<Flow> build(TableRef table) {
        for (TableMapping m : plan.tables()) {
            TableRef written = direction == Direction.FORWARD ? m.target() : m.source();
            if (!written.equals(table)) {
                continue;
            }
            Optional<Schema.Table> src = oldSchema.table(m.source());
            Optional<Schema.Table> tgt = newSchema.table(m.target());
            if (src.isEmpty() || tgt.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new MappingSql(m, src.get(), tgt.get()).flow(direction));
            } catch (IllegalArgumentException | IllegalStateException e) {
                return Optional.empty(); // no reverse mapping, or the plan no longer fits: nothing to bring along
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Schema.ForeignKey> foreignKeysOf(TableRef table) {
        return written().table(table).map(Schema.Table::foreignKeys).orElse(List.of());
    }

    @Override
    public List<Referencing> referencing(TableRef table) {
        List<Referencing> out = new ArrayList<>();
        for (Schema.Table t : written().tables().values()) {
            for (Schema.ForeignKey fk : t.foreignKeys()) {
                if (fk.references().equals(table)) {
                    out.add(new Referencing(t.ref(), fk));
                }
            }
        }
        return out;
    }
}
