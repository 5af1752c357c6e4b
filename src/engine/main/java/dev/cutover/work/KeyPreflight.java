package dev.cutover.work;

import dev.cutover.check.DuplicateKeys;
import dev.cutover.pg.Db;
import dev.cutover.pg.DbException;
import dev.cutover.pg.Sql;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.TableMapping;
import dev.cutover.sql.Direction;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Refuses a backfill, verify or repair whose source key is not unique before it starts: every row
 * is found, copied, compared and re-synced by its key, so two rows under one key would be copied as
 * one (the other skipped as "already there"), or re-synced back and forth for ever. A key that is
 * provably unique (primary key or unique constraint on exactly those columns, all NOT NULL) costs
 * nothing; any other is checked with the plan check's duplicate query ({@link DuplicateKeys}), read
 * only, on the old database. Nothing is written on either side.
 */
public final class KeyPreflight {
    /** How many duplicate key values the refusal names. */
    static final int NAMED = 5;

    private KeyPreflight() {
    }

    /**
     * Throws a {@link PlanException} with one line naming the first table whose source key has
     * duplicates and its first duplicate key values (key values only); returns when every selected
     * table's key is unique. {@code job} names what refuses ("backfill", "verify", "repair").
     */
    public static void check(String job, Plan plan, List<String> tables, Db oldDb, Db newDb) {
        PlanTables.Resolved r = PlanTables.resolve(plan, tables, oldDb, newDb);
        List<PlanTables.Table> unproven = r.tables().stream()
                .filter(t -> !DuplicateKeys.provablyUnique(t.source(), t.mapping().key())).toList();
        if (unproven.isEmpty()) {
            return;
        }
        try (Connection c = oldDb.connect()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            try {
                for (PlanTables.Table t : unproven) {
                    TableMapping m = t.mapping();
                    DuplicateKeys.Found d = DuplicateKeys.find(c, t.flow(Direction.FORWARD), m.key(), NAMED);
                    if (d.total() > 0) {
                        throw new PlanException(job + " refused: the key (" + String.join(", ", m.key()) + ") of " + m.source()
                                + " in the " + oldDb.role() + " is not unique: " + d.total() + " key values occur more than once (first: "
                                + String.join(", ", d.first()) + "); remove the duplicates or give the plan a unique key "
                                + "(plan check reports them as duplicate_key)");
                    }
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new DbException("cannot check that the source keys are unique in the " + oldDb.role() + ": " + Sql.message(e), e);
        }
    }
}
