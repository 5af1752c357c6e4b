package dev.cutover.ui;

import dev.cutover.ui.backfill.BackfillScreen;
import dev.cutover.ui.backfill.BackfillViewModel;
import dev.cutover.ui.connections.ConnectionsView;
import dev.cutover.ui.connections.ConnectionsViewModel;
import dev.cutover.ui.connections.ProfileStore;
import dev.cutover.ui.mappings.MappingsScreen;
import dev.cutover.ui.mappings.MappingsViewModel;
import dev.cutover.ui.shadow.ShadowScreen;
import dev.cutover.ui.shadow.ShadowViewModel;
import dev.cutover.ui.sync.SyncScreen;
import dev.cutover.ui.sync.SyncViewModel;
import dev.cutover.ui.traffic.TrafficScreen;
import dev.cutover.ui.traffic.TrafficViewModel;
import dev.cutover.ui.verify.VerifyScreen;
import dev.cutover.ui.verify.VerifyViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;

import java.util.List;

/**
 * The console's composition root: one session, one background executor, one Redis link, the
 * view-models and their views, the window. Tests build it with their own profile file and prefs.
 */
public final class Console implements AutoCloseable {
    private final Session session = new Session();
    private final BackgroundTasks tasks;
    private final ConsoleRedis redis = new ConsoleRedis();
    private final WindowPrefs prefs;
    private final StatusViewModel status;
    private final ConnectionsViewModel connections;
    private final MappingsViewModel mappings;
    private final BackfillViewModel backfill;
    private final VerifyViewModel verify;
    private final ShadowViewModel shadow;
    private final TrafficViewModel traffic;
    private final SyncViewModel sync;
    private final MainWindow window;
    private volatile Scene shown;

    public Console(ConsoleArgs args, WindowPrefs prefs, ProfileStore profiles, BackgroundTasks tasks) {
        this.prefs = prefs;
        this.tasks = tasks;
        status = new StatusViewModel(session, tasks, redis);
        connections = new ConnectionsViewModel(session, tasks, profiles);
        mappings = new MappingsViewModel(session, tasks);
        backfill = new BackfillViewModel(session, tasks, mappings.plan());
        verify = new VerifyViewModel(session, tasks, mappings.plan());
        shadow = new ShadowViewModel(session, tasks, mappings.plan());
        traffic = new TrafficViewModel(session, tasks, dev.cutover.control.Actor.current(), mappings.plan());
        sync = new SyncViewModel(session, tasks, mappings.plan());
        // a change made here (a move, shift, rollback, a write flip's recorded phase) is in the status bar at once,
        // not at its next poll: each change the screens write asks it to read again
        traffic.changes().addListener((o, was, now) -> status.poll());
        sync.flip().outcome().addListener((o, was, now) -> status.poll());
        connections.apply(args);
        mappings.file().addListener((o, a, b) -> {
            if (b != null) {
                prefs.lastPlan(b);
            }
        });
        java.nio.file.Path plan = args.plan() != null ? args.plan() : prefs.lastPlan();
        if (plan != null && (args.plan() != null || java.nio.file.Files.isRegularFile(plan))) {
            mappings.open(plan);
        }
        ConnectionsView connectionsView = new ConnectionsView(connections);
        Screen connectionsScreen = new Screen() {
            @Override
            public String title() {
                return "Connections";
            }

            @Override
            public Node view() {
                return connectionsView;
            }

            @Override
            public void save() {
                connections.save();
            }

            @Override
            public void run() {
                connections.testAll();
            }
        };
        List<Screen> screens = List.of(connectionsScreen,
                new MappingsScreen(mappings),
                new BackfillScreen(backfill),
                new VerifyScreen(verify),
                new ShadowScreen(shadow),
                new TrafficScreen(traffic),
                new SyncScreen(sync));
        StringExpression planLabel = Bindings.concat("Plan: ", mappings.title());
        window = new MainWindow(screens, new StatusBar(session, status, tasks), planLabel, prefs.dark());
    }

    public Session session() {
        return session;
    }

    public BackgroundTasks tasks() {
        return tasks;
    }

    public MainWindow window() {
        return window;
    }

    public ConnectionsViewModel connections() {
        return connections;
    }

    public TrafficViewModel traffic() {
        return traffic;
    }

    public SyncViewModel sync() {
        return sync;
    }

    public MappingsViewModel mappings() {
        return mappings;
    }

    public BackfillViewModel backfill() {
        return backfill;
    }

    public VerifyViewModel verify() {
        return verify;
    }

    public ShadowViewModel shadow() {
        return shadow;
    }

    public StatusViewModel status() {
        return status;
    }

    /** Puts the console in {@code stage}: size and theme remembered, shortcuts, title with the dirty marker. */
    public Scene show(Stage stage) {
        // the remembered (or default) size, but never more than the screen it opens on: a 1280x800
        // window on a 1024x768 screen would open with its status bar and buttons off the screen
        javafx.geometry.Rectangle2D screen = javafx.stage.Screen.getPrimary().getVisualBounds();
        double[] size = fit(prefs.width(), prefs.height(), screen.getWidth(), screen.getHeight());
        Scene scene = new Scene(window, size[0], size[1]);
        shown = scene;
        Theme.apply(scene, window.dark());
        window.installShortcuts(scene);
        window.darkProperty().addListener((o, a, b) -> prefs.dark(b));
        stage.titleProperty().bind(Bindings.concat("Cutover — ", mappings.title()));
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> {
            prefs.size(scene.getWidth(), scene.getHeight());
            if (mappings.dirty().get() && !confirmDiscard(stage)) {
                e.consume();
            }
        });
        stage.show();
        // Sized again once shown: under openbox the window came up at its minimum size (or GTK's
        // 200x200 without one) whatever the scene's size, with the status bar and the right
        // column cut off; a resize after the window is mapped is honoured. The stage's size
        // includes the decorations, known only now.
        place(stage, scene, size, screen);
        // The window manager tells the decorations' size a moment after the window is mapped (openbox:
        // 1, 1, 20, 5 px); until then the stage is as large as the scene, and the size set above is the
        // frame's, so the content came up 2 x 25 px smaller than remembered (1022x675 for 1024x700),
        // shrinking a little more at every start. Placed once more when the frame is known on both
        // axes (while a resize is under way the two sizes disagree for a moment, so only once), or
        // after a few seconds with what is known then (a frame with no border, or none at all).
        boolean[] placed = {false};
        javafx.animation.PauseTransition settle = new javafx.animation.PauseTransition(javafx.util.Duration.seconds(3));
        javafx.beans.value.ChangeListener<Number> framed = (o, a, b) -> {
            if (!placed[0] && frameWidth(stage, scene) > 0 && frameHeight(stage, scene) > 0) {
                placed[0] = true;
                settle.stop();
                place(stage, scene, size, screen);
            }
        };
        stage.widthProperty().addListener(framed);
        stage.heightProperty().addListener(framed);
        settle.setOnFinished(e -> {
            if (!placed[0] && (frameWidth(stage, scene) > 0 || frameHeight(stage, scene) > 0)) {
                placed[0] = true;
                place(stage, scene, size, screen);
            }
            placed[0] = true;
        });
        settle.play();
        framed.changed(null, null, null);
        status.start();
        return scene;
    }

    /** The stage sized so that its scene is {@code size} (within the screen), decorations added as far as they are known. */
    private static void place(Stage stage, Scene scene, double[] size, javafx.geometry.Rectangle2D screen) {
        double dw = frameWidth(stage, scene);
        double dh = frameHeight(stage, scene);
        double w = Math.min(size[0] + dw, screen.getWidth());
        double h = Math.min(size[1] + dh, screen.getHeight());
        stage.setMinWidth(Math.min(960, w));
        stage.setMinHeight(Math.min(600, h));
        stage.setWidth(w);
        stage.setHeight(h);
        stage.setX(Math.max(screen.getMinX(), Math.min(stage.getX(), screen.getMaxX() - w)));
        stage.setY(Math.max(screen.getMinY(), Math.min(stage.getY(), screen.getMaxY() - h)));
    }

    private static double frameWidth(Stage stage, Scene scene) {
        return Math.max(0, stage.getWidth() - scene.getWidth());
    }

    private static double frameHeight(Stage stage, Scene scene) {
        return Math.max(0, stage.getHeight() - scene.getHeight());
    }

    /**
     * The first window's size: the preferred one (remembered, else 1280x800), no larger than the
     * screen's visual bounds (without panels and docks); {@link #show} takes the decorations off
     * once they are known.
     */
    static double[] fit(double width, double height, double screenWidth, double screenHeight) {
        return new double[] {Math.min(width, screenWidth), Math.min(height, screenHeight)};
    }

    private static boolean confirmDiscard(Stage stage) {
        javafx.scene.control.Alert a = new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.CONFIRMATION,
                "The plan has unsaved changes. Close without saving?", javafx.scene.control.ButtonType.CANCEL,
                javafx.scene.control.ButtonType.OK);
        a.initOwner(stage);
        a.setHeaderText("Unsaved plan");
        CancelFirst.on(a); // closing throws the edits away: Enter keeps them
        return a.showAndWait().filter(b -> b == javafx.scene.control.ButtonType.OK).isPresent();
    }

    @Override
    public void close() {
        Scene scene = shown;
        if (scene != null && scene.getWidth() > 0 && scene.getHeight() > 0) {
            prefs.size(scene.getWidth(), scene.getHeight()); // also when closed by Ctrl-C, not only by its window
        }
        status.stop();
        mappings.close();
        backfill.close();
        verify.close();
        shadow.close();
        traffic.close();
        sync.close();
        tasks.close();
        redis.close();
    }
}
