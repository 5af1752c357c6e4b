package dev.cutover.ui;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlStore;
import dev.cutover.control.RedisLink;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A screen whose engine is not wired into the console yet: says so plainly, names the command
 * that does the job today, and shows what that command last recorded in Redis (the summary
 * hash the engine writes, e.g. {@code cutover:{NAME}:backfill}), read-only.
 */
public final class PendingScreen implements Screen {
    private final String title;
    private final VBox view;
    private final Session session;
    private final BackgroundTasks tasks;
    private final Function<ControlKeys, String> summaryKey;
    private final GridPane summary = new GridPane();
    private final Label summaryTitle = new Label();

    public PendingScreen(String title, String what, String command, Session session, BackgroundTasks tasks,
                         Function<ControlKeys, String> summaryKey) {
        this.title = title;
        this.session = session;
        this.tasks = tasks;
        this.summaryKey = summaryKey;
        Label heading = new Label(title);
        heading.getStyleClass().add("screen-title");
        Label body = new Label(what);
        body.setWrapText(true);
        Label cmd = new Label(command);
        cmd.getStyleClass().add("code");
        cmd.setWrapText(true);
        Label note = new Label("This screen is not wired to its engine yet; the command line does the same work "
                + "and records its progress in Redis, shown below and followed by the status bar.");
        note.getStyleClass().add("hint");
        note.setWrapText(true);
        summaryTitle.getStyleClass().add("card-title");
        summary.getStyleClass().add("form");
        VBox card = new VBox(summaryTitle, summary);
        card.getStyleClass().add("card");
        card.setMaxWidth(640);
        view = new VBox(heading, body, cmd, note, card);
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

    @Override
    public void run() {
        shown();
    }

    /** Reads the engine's summary hash of the plan's migration. */
    @Override
    public void shown() {
        String url = session.redisUrl().get();
        String migration = session.migration().get();
        summary.getChildren().clear();
        if (url == null || migration == null) {
            summaryTitle.setText(url == null ? "Redis not connected" : "No plan open");
            return;
        }
        String key = summaryKey.apply(new ControlKeys(migration));
        summaryTitle.setText("Last recorded in " + key);
        tasks.run("Reading " + title.toLowerCase(), p -> {
            try (RedisLink link = RedisLink.open(url)) {
                return new TreeMap<>(new ControlStore(link, migration).hash(key));
            }
        }, this::show, e -> {
            summary.getChildren().clear();
            summary.addRow(0, new Label(Problems.oneLine(e)));
        });
    }

    private void show(Map<String, String> fields) {
        summary.getChildren().clear();
        if (fields.isEmpty()) {
            Label none = new Label("nothing recorded yet");
            none.getStyleClass().add("hint");
            summary.addRow(0, none);
            return;
        }
        int row = 0;
        for (var e : fields.entrySet()) {
            Label k = new Label(e.getKey());
            k.getStyleClass().add("hint");
            summary.addRow(row++, k, new Label(e.getValue()));
        }
    }
}
