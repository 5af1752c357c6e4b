package dev.cutover.ui.traffic;

import dev.cutover.ui.Screen;
import javafx.scene.Node;

/** The Traffic & phase screen as the window sees it: refreshed when shown and on Ctrl+Enter. */
public final class TrafficScreen implements Screen {
    private final TrafficViewModel vm;
    private final TrafficView view;

    public TrafficScreen(TrafficViewModel vm) {
        this.vm = vm;
        this.view = new TrafficView(vm);
    }

    @Override
    public String title() {
        return "Traffic & phase";
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
        vm.refresh();
    }
}
