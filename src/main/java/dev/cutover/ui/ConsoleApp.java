package dev.cutover.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;

/** The console's JavaFX application. */
public final class ConsoleApp extends Application {

    /** Opens the console (called by dev.cutover.Main when the jar runs without a command). */
    public static void open(String[] args) {
        Application.launch(ConsoleApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        BorderPane root = new BorderPane(new Label("Cutover"));
        stage.setTitle("Cutover");
        stage.setScene(new Scene(root, 1200, 800));
        stage.show();
    }
}
