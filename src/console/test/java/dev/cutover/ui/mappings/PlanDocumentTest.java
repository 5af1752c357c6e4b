package dev.cutover.ui.mappings;

import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanException;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The plan as a document without a window: saved or not, undo and redo, and a save that writes only what the engine reads. */
class PlanDocumentTest {
    private static final TableRef ORDERS = new TableRef("public", "orders");

    @TempDir
    Path dir;

    private static Plan with(String expr) {
        return new Plan(Plan.CURRENT_VERSION, "doc", List.of(new TableMapping(ORDERS, ORDERS, List.of("id"),
                List.of(new ColumnMapping("id", "id"), new ColumnMapping("note", expr)), List.of(), List.of())));
    }

    @Test
    void aNewPlanIsDirtyUntilSavedAndUndoComesBackToWhatWasSaved() throws Exception {
        PlanDocument doc = new PlanDocument();
        assertThat(doc.title().get()).isEqualTo("No plan open");
        doc.load(with("note"), null, false);
        assertThat(doc.dirty().get()).isTrue();
        assertThat(doc.location().get()).isEqualTo("not saved yet");

        Path file = dir.resolve("plan.json");
        assertThat(doc.saveAs(file)).isTrue();
        assertThat(doc.dirty().get()).isFalse();
        assertThat(PlanFile.read(file)).isEqualTo(with("note"));
        assertThat(doc.title().get()).isEqualTo("doc — plan.json");
        assertThat(doc.location().get()).isEqualTo("plan.json in " + dir.toAbsolutePath());

        assertThat(doc.change(with("upper(note)"), "edited note")).isTrue();
        assertThat(doc.change(with("upper(note)"), "again")).as("a step that changes nothing").isFalse();
        assertThat(doc.dirty().get()).isTrue();
        assertThat(doc.canUndo().get()).isTrue();
        assertThat(doc.title().get()).endsWith(" •");
        assertThat(doc.undo()).contains("edited note");
        assertThat(doc.plan().get()).isEqualTo(with("note"));
        assertThat(doc.dirty().get()).as("back at what was saved").isFalse();
        assertThat(doc.redo()).contains("edited note");
        assertThat(doc.canRedo().get()).isFalse();
    }

    @Test
    void aPlanTheEngineWouldRefuseIsNotWrittenAndStaysUnsaved() throws Exception {
        PlanDocument doc = new PlanDocument();
        Path file = dir.resolve("plan.json");
        doc.load(with("note"), null, false);
        doc.saveAs(file);
        String before = Files.readString(file);
        doc.change(with("note; DROP TABLE orders"), "typed a second statement");
        assertThatThrownBy(() -> doc.saveAs(dir.resolve("other.json"))).isInstanceOf(PlanException.class);
        assertThat(dir.resolve("other.json")).doesNotExist();
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(doc.dirty().get()).isTrue();
        assertThat(doc.file().get()).isEqualTo(file);
    }
}
