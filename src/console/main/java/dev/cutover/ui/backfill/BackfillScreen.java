package dev.cutover.ui.backfill;

import dev.cutover.ui.Screen;
import dev.cutover.ui.Views;
import javafx.scene.Node;

/** The Backfill screen as the window sees it: Ctrl+Enter starts; Redis is polled while it is shown. */
public final class BackfillScreen implements Screen {
    private final BackfillViewModel vm;
    private final BackfillView view;

    public BackfillScreen(BackfillViewModel vm) {
        this.vm = vm;
        this.view = new BackfillView(vm);
        Views.whenHidden(view, vm::stopPolling);
    }

    @Override
    public String title() {
        return "Backfill";
    }

    @Override
    public Node view() {
        return view;
    }

    @Override
    public void run() {
        vm.start();
    }

    @Override
    public void shown() {
        vm.startPolling();
    }
}
