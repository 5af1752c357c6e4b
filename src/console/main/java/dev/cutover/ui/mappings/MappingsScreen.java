package dev.cutover.ui.mappings;

import dev.cutover.ui.Screen;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.scene.Node;

/** The Mappings screen as the window sees it: shortcuts go to the view-model. */
public final class MappingsScreen implements Screen {
    private final MappingsViewModel vm;
    private final MappingsView view;

    public MappingsScreen(MappingsViewModel vm) {
        this.vm = vm;
        this.view = new MappingsView(vm);
    }

    @Override
    public String title() {
        return "Mappings";
    }

    @Override
    public Node view() {
        return view;
    }

    @Override
    public void save() {
        view.save();
    }

    @Override
    public void undo() {
        vm.undo();
    }

    @Override
    public void redo() {
        vm.redo();
    }

    /** Ctrl+Enter: the full plan check (static checks and dry run over every row). */
    @Override
    public void run() {
        vm.runCheck();
    }

    @Override
    public ReadOnlyBooleanProperty dirty() {
        return vm.dirty();
    }

    @Override
    public void shown() {
        if (vm.oldSchema().get() == null || vm.newSchema().get() == null) {
            vm.loadSchemas();
        }
    }
}
