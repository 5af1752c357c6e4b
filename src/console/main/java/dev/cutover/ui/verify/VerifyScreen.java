package dev.cutover.ui.verify;

import dev.cutover.ui.Screen;
import dev.cutover.ui.Views;
import javafx.scene.Node;

/** The Verify screen as the window sees it: Ctrl+Enter runs a verification; the run's workers are polled while it is shown. */
public final class VerifyScreen implements Screen {
    private final VerifyViewModel vm;
    private final VerifyView view;

    public VerifyScreen(VerifyViewModel vm) {
        this.vm = vm;
        this.view = new VerifyView(vm);
        Views.whenHidden(view, vm::stopPolling);
    }

    @Override
    public String title() {
        return "Verify";
    }

    @Override
    public Node view() {
        return view;
    }

    @Override
    public void run() {
        vm.verify();
    }

    @Override
    public void shown() {
        vm.startPolling();
    }
}
