package dev.cutover.ui.sync;

import dev.cutover.app.WriteFlip;
import dev.cutover.capture.SyncSlot;
import dev.cutover.plan.TableRef;
import dev.cutover.testing.NeedsServers;
import dev.cutover.ui.ConsoleRedis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What the write flip of the Change capture screen offers, from real write blocks and slots (no window). */
@NeedsServers
class FlipViewModelTest {
    private final SyncPairFixture pair = new SyncPairFixture("flipvm");
    private final ConsoleRedis redis = new ConsoleRedis();
    private final String fwdSlot = SyncSlot.nameFor(pair.migration);
    private final String revSlot = fwdSlot + "_rev";

    @AfterEach
    void tearDown() {
        redis.close();
        pair.close();
    }

    private FlipViewModel.Stream stream(boolean reverse) {
        SyncViewModel.Reading r = SyncViewModel.read(redis, reverse ? pair.newDb() : pair.oldDb(), pair.plan, reverse, null);
        assertThat(r.problem()).isNull();
        SyncViewModel.Lines l = SyncViewModel.describe(r.status(), r.slot(), r.problem(), false, reverse ? revSlot : fwdSlot,
                System.currentTimeMillis());
        return FlipViewModel.stream(r, l, false);
    }

    private FlipViewModel.Choice now() {
        return FlipViewModel.choose(null, stream(false), stream(true), fwdSlot, revSlot);
    }

    @Test
    void theFlipGoesTheOtherWayOfTheWriteBlocksThroughTheSlotThatCarriesWrites() throws Exception {
        FlipViewModel.Choice none = now();
        assertThat(none.writesOn()).isEqualTo(WriteFlip.Side.OLD);
        assertThat(none.writes()).isEqualTo("Writes go to the old database (no write block on either side)");
        assertThat(none.target()).isEqualTo(WriteFlip.Side.NEW);
        assertThat(none.flipLabel()).isEqualTo("Flip writes to the new database…");
        assertThat(none.flipBlocked()).isEqualTo("No slot " + fwdSlot + " on the old database yet: Start the forward stream and let it"
                + " catch up first (it shows that the new database followed the old database's writes).");
        assertThat(none.undo()).isNull();
        assertThat(none.undoLabel()).isEmpty();

        new SyncSlot(pair.oldDb(), pair.plan).ensure();
        FlipViewModel.Choice ready = now();
        assertThat(ready.flipBlocked()).isEmpty();
        assertThat(ready.stopsOwnSync()).isFalse();

        WriteFlip.Result r = new WriteFlip(pair.oldDb(), pair.newDb(), pair.plan).flip(WriteFlip.Side.NEW, l -> { }, () -> { });
        assertThat(FlipViewModel.pauseLine(r)).matches("Write pause [0-9,]+ ms \\(block [0-9,]+ ms \\+ catch-up [0-9,]+ ms, [0-9,]+ changes"
                + " caught up in it\\)\\. Until the application switches, its writes to the old database fail with SQLSTATE 25006 .*")
                .contains("Slot " + fwdSlot + " dropped; the reverse stream starts at slot " + revSlot + ", made before the pause");
        FlipViewModel.Choice flipped = now();
        assertThat(flipped.writesOn()).isEqualTo(WriteFlip.Side.NEW);
        assertThat(flipped.writes()).isEqualTo("Writes go to the new database: the old one refuses them (write block on public.orders)");
        assertThat(flipped.target()).isEqualTo(WriteFlip.Side.OLD);
        assertThat(flipped.flipLabel()).isEqualTo("Flip writes back to the old database…");
        assertThat(flipped.flipBlocked()).isEmpty(); // the reverse slot was made by the flip
        assertThat(flipped.undo()).isEqualTo(WriteFlip.Side.OLD);
        assertThat(flipped.undoLabel()).isEqualTo("Undo write block on the old database…");

        assertThat(new WriteFlip(pair.oldDb(), pair.newDb(), pair.plan).undo(WriteFlip.Side.OLD)).isTrue();
        FlipViewModel.Choice undone = now();
        assertThat(undone.writesOn()).isEqualTo(WriteFlip.Side.OLD);
        assertThat(undone.undo()).isNull();
        assertThat(undone.flipBlocked()).startsWith("No slot " + fwdSlot + " on the old database yet"); // the flip dropped it
    }

    @Test
    void anotherProcessOnEitherStreamBothBlocksAndNoConnectionEachDisableTheFlipWithTheReason() {
        List<TableRef> none = List.of();
        List<TableRef> orders = List.of(new TableRef("public", "orders"));
        // a server without logical decoding: the flip does not send the DBA to a Start the server refuses
        FlipViewModel.Choice noLogical = FlipViewModel.choose(null, new FlipViewModel.Stream(none, false, false, false,
                        "the old database's server has wal_level = replica; change capture needs wal_level = logical"),
                new FlipViewModel.Stream(none, false, false, false), "s", "s_rev");
        assertThat(noLogical.flipBlocked()).startsWith("No slot s on the old database, and no stream can make one: ")
                .contains("wal_level = logical").doesNotContain("Start the forward stream");
        FlipViewModel.Choice other = FlipViewModel.choose(null, new FlipViewModel.Stream(none, true, true, false),
                new FlipViewModel.Stream(none, false, false, false), "s", "s_rev");
        assertThat(other.flipBlocked()).isEqualTo("Another process streams from slot s and does not report to this Redis: stop that"
                + " 'cutover sync' first (the flip streams itself, so that the pause is only the catch-up after the block).");
        assertThat(other.stopsOtherSync()).isFalse();
        // one that reports to this Redis is asked there to stop, by the flip
        FlipViewModel.Choice askable = FlipViewModel.choose(null, new FlipViewModel.Stream(none, true, true, false, null, true),
                new FlipViewModel.Stream(none, false, false, false), "s", "s_rev");
        assertThat(askable.flipBlocked()).isEmpty();
        assertThat(askable.stopsOtherSync()).isTrue();
        assertThat(askable.stopsOwnSync()).isFalse();
        FlipViewModel.Choice reverseRuns = FlipViewModel.choose(null, new FlipViewModel.Stream(none, true, false, true),
                new FlipViewModel.Stream(none, true, true, false), "s", "s_rev");
        assertThat(reverseRuns.flipBlocked()).isEqualTo("Another process runs the reverse stream: stop that 'cutover sync' first.");
        FlipViewModel.Choice ours = FlipViewModel.choose(null, new FlipViewModel.Stream(none, true, false, true),
                new FlipViewModel.Stream(none, false, false, false), "s", "s_rev");
        assertThat(ours.flipBlocked()).isEmpty();
        assertThat(ours.stopsOwnSync()).isTrue();
        FlipViewModel.Choice both = FlipViewModel.choose(null, new FlipViewModel.Stream(orders, true, false, false),
                new FlipViewModel.Stream(orders, true, false, false), "s", "s_rev");
        assertThat(both.writesOn()).isNull();
        assertThat(both.target()).isNull();
        assertThat(both.flipBlocked()).startsWith("Both databases refuse writes");
        assertThat(both.undo()).isEqualTo(WriteFlip.Side.OLD);
        FlipViewModel.Choice back = FlipViewModel.choose(null, new FlipViewModel.Stream(none, true, false, false),
                new FlipViewModel.Stream(orders, false, false, false), "s", "s_rev");
        assertThat(back.writes()).isEqualTo("Writes go to the old database: the new one refuses them (write block on public.orders,"
                + " from a flip back)");
        assertThat(back.target()).isEqualTo(WriteFlip.Side.NEW);
        assertThat(back.undo()).isEqualTo(WriteFlip.Side.NEW);
        FlipViewModel.Choice missing = FlipViewModel.choose("Open a plan first (Mappings).", null, null, "s", "s_rev");
        assertThat(missing.flipBlocked()).isEqualTo("Open a plan first (Mappings).");
        assertThat(FlipViewModel.choose(null, new FlipViewModel.Stream(null, false, false, false),
                new FlipViewModel.Stream(none, false, false, false), "s", "s_rev").flipBlocked()).isEqualTo("Reading the write blocks…");
    }

    @Test
    void theConfirmationSaysTheStepsTheRefusalAndTheLongestPause() {
        List<String> toNew = FlipViewModel.confirmSteps(WriteFlip.Side.NEW, "s", "s_rev", true, false);
        assertThat(toNew.get(0)).startsWith("1. The sync running in this console stops first");
        assertThat(String.join("\n", toNew))
                .contains("Slot s_rev is made on the new database")
                .contains("Writes to the old database are blocked — the pause starts")
                .contains("SQLSTATE 25006 (read_only_sql_transaction) until the application switches to the new database; reads go on")
                .contains("Slot s is dropped")
                .contains("Then Start the reverse stream")
                .contains("the catch-up inside it may take 30 s")
                .contains("the block is lifted again and writes go to the old database as before");
        assertThat(toNew.get(toNew.size() - 1)).startsWith("With Redis connected this is the move to new_primary: its guards are asked"
                + " before step 1 (a refusal stops and blocks nothing)");
        List<String> back = FlipViewModel.confirmSteps(WriteFlip.Side.OLD, "s_rev", "s", false, false);
        assertThat(back.get(0)).startsWith("1. Slot s is made on the old database");
        assertThat(String.join("\n", back)).contains("Writes to the new database are blocked").contains("Then Start the forward stream")
                .contains("With Redis connected this is the rollback from new_primary to traffic_shift");
        assertThat(FlipViewModel.confirmHeader(WriteFlip.Side.OLD)).isEqualTo("Flip the application's writes back to the old database?");
    }
}
