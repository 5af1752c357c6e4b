package dev.cutover.ui;

import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * A screen whose engine has not reached the console yet: says so plainly and names the command
 * that does the job today, instead of showing an empty pane.
 */
public final class PendingScreen implements Screen {
    private final String title;
    private final VBox view;

    public PendingScreen(String title, String what, String command) {
        this.title = title;
        Label heading = new Label(title);
        heading.getStyleClass().add("screen-title");
        Label body = new Label(what);
        body.setWrapText(true);
        Label cmd = new Label(command);
        cmd.getStyleClass().add("code");
        cmd.setWrapText(true);
        Label note = new Label("This screen is not wired to its engine yet; the command line does the same work "
                + "and writes the same Redis state, which the status bar below follows.");
        note.getStyleClass().add("hint");
        note.setWrapText(true);
        view = new VBox(heading, body, cmd, note);
        view.getStyleClass().addAll("screen", "pending");
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Node view() {
        return view;
    }
}
