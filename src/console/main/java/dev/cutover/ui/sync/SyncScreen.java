package dev.cutover.ui.sync;

import dev.cutover.ui.Screen;
import dev.cutover.ui.Views;
import javafx.scene.Node;

/** The Change capture screen as the window sees it: polled every second while shown; Ctrl+Enter refreshes. */
public final class SyncScreen implements Screen {
    private final SyncViewModel vm;
    private final SyncView view;

    public SyncScreen(SyncViewModel vm) {
        this.vm = vm;
        this.view = new SyncView(vm);
        Views.whenHidden(view, vm::stopPolling);
    }

    @Override
    public String title() {
        return "Change capture";
    }

    @Override
    public Node view() {
        return view;
    }

    @Override
    public void run() {
        vm.refresh();
    }

    @Override
    public void shown() {
        vm.startPolling();
    }
}
