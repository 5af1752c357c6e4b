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
        // stopped when the view leaves the window's scene only: not by Views.whenHidden's parent going null, which it
        // does on the way into the new scroll pane the window makes each time it shows the screen (after shown()
        // started the polling, so a screen shown again, or even the first time, stopped polling at once)
        view.sceneProperty().addListener((o, a, s) -> {
            if (s == null) {
                vm.stopPolling();
            }
        });
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
