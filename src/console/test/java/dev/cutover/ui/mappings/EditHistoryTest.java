package dev.cutover.ui.mappings;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Mappings screen's undo/redo without a window: labelled steps, typing as one step, the saved mark. */
class EditHistoryTest {
    @Test
    void undoAndRedoWalkTheStepsAndSayWhatEachDid() {
        EditHistory<String> h = new EditHistory<>();
        h.reset("a", true);
        assertThat(h.dirty()).isFalse();
        assertThat(h.record("ab", "added b")).isTrue();
        assertThat(h.record("abc", "added c")).isTrue();
        assertThat(h.record("abc", "nothing")).as("a step that changes nothing is not one").isFalse();
        assertThat(h.dirty()).isTrue();

        assertThat(h.undo()).get().extracting(EditHistory.Step::label).isEqualTo("added c");
        assertThat(h.current()).isEqualTo("ab");
        assertThat(h.undo()).get().extracting(EditHistory.Step::label).isEqualTo("added b");
        assertThat(h.current()).isEqualTo("a");
        assertThat(h.dirty()).as("back at what was saved").isFalse();
        assertThat(h.canUndo()).isFalse();
        assertThat(h.undo()).isEmpty();

        assertThat(h.redo()).get().extracting(EditHistory.Step::label).isEqualTo("added b");
        assertThat(h.redo()).get().extracting(EditHistory.Step::label).isEqualTo("added c");
        assertThat(h.current()).isEqualTo("abc");
        assertThat(h.canRedo()).isFalse();
    }

    @Test
    void typingOnIsOneStepAndANewStepDropsTheRedos() {
        EditHistory<String> h = new EditHistory<>();
        h.reset("", false);
        assertThat(h.dirty()).as("never saved").isTrue();
        h.record("x", "typed");
        h.amend("xy");
        h.amend("xyz");
        h.undo();
        assertThat(h.current()).isEmpty();
        assertThat(h.redo()).get().extracting(EditHistory.Step::value).isEqualTo("xyz");
        h.undo();
        h.record("q", "other");
        assertThat(h.canRedo()).isFalse();
        h.saved();
        assertThat(h.dirty()).isFalse();
    }
}
