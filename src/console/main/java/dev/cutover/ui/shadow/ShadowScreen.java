package dev.cutover.ui.shadow;

import dev.cutover.ui.Screen;
import javafx.scene.Node;

/** The Shadow reads screen as the window sees it: polls the metrics every second while it is shown. */
public final class ShadowScreen implements Screen {
    private final ShadowViewModel vm;
    private final ShadowView view;

    public ShadowScreen(ShadowViewModel vm) {
        this.vm = vm;
        this.view = new ShadowView(vm);
        view.parentProperty().addListener((o, a, p) -> {
            if (p == null) {
                vm.stop();
            }
        });
    }

    @Override
    public String title() {
        return "Shadow reads";
    }

    @Override
    public Node view() {
        return view;
    }

    @Override
    public void run() {
        vm.refreshSamples();
    }

    @Override
    public void shown() {
        vm.start();
    }
}
