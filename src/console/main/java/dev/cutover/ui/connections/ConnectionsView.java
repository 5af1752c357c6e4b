package dev.cutover.ui.connections;

import dev.cutover.ui.ErrorLine;
import javafx.geometry.HPos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextField;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.util.Locale;

/** The Connections screen: three cards (old database, new database, Redis); the view only binds. */
public final class ConnectionsView extends VBox {

    public ConnectionsView(ConnectionsViewModel vm) {
        getStyleClass().addAll("screen", "connections");
        Label title = new Label("Connections");
        title.getStyleClass().add("screen-title");
        Label hint = new Label("Profiles are saved in your config directory, never in the plan. Passwords come from "
                + "~/.pgpass or PGPASSWORD, or are typed here and kept in memory only.");
        hint.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(hint);
        HBox cards = new HBox();
        cards.getStyleClass().add("cards");
        for (ProfileViewModel f : vm.forms()) {
            VBox card = card(vm, f);
            HBox.setHgrow(card, Priority.ALWAYS);
            card.setPrefWidth(200); // the cards share the width equally, whatever their fields' hints
            cards.getChildren().add(card);
        }
        Button save = new Button("Save profiles");
        save.setId("save-profiles");
        save.setOnAction(e -> vm.save());
        Button testAll = new Button("Test all");
        testAll.setId("test-all");
        testAll.setOnAction(e -> vm.testAll());
        Label message = dev.cutover.ui.Views.wrapping(new Label());
        message.setId("profiles-message");
        message.getStyleClass().add("hint");
        message.textProperty().bind(vm.message());
        dev.cutover.ui.Views.whole(save, testAll);
        HBox actions = new HBox(save, testAll, message);
        actions.getStyleClass().add("actions");
        getChildren().addAll(title, hint, cards, actions);
    }

    private static VBox card(ConnectionsViewModel vm, ProfileViewModel f) {
        String id = f.role().name().toLowerCase(Locale.ROOT);
        Label heading = new Label(f.role().label());
        heading.getStyleClass().add("card-title");

        ComboBox<ConnectionProfile> saved = new ComboBox<>();
        saved.setId(id + "-saved");
        saved.setPromptText("Choose…"); // the row is labelled Saved; short enough for a card at 960 px
        saved.setMaxWidth(Double.MAX_VALUE);
        saved.setMinWidth(60); // a long profile name is cut in the box, not the Redis card off the window
        saved.setPrefWidth(60);
        saved.setConverter(new StringConverter<>() {
            @Override
            public String toString(ConnectionProfile p) {
                return p == null ? "" : p.name() + "  (" + p.summary() + ")";
            }

            @Override
            public ConnectionProfile fromString(String s) {
                return null;
            }
        });
        saved.setOnShowing(e -> saved.getItems().setAll(vm.saved(f.role())));
        saved.setOnAction(e -> {
            if (saved.getValue() != null) {
                f.load(saved.getValue());
            }
        });

        GridPane form = new GridPane();
        form.getStyleClass().add("form");
        ColumnConstraints labels = new ColumnConstraints();
        labels.setHalignment(HPos.RIGHT);
        labels.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE); // as wide as "Password", no wider
        ColumnConstraints fields = new ColumnConstraints();
        fields.setHgrow(Priority.ALWAYS);
        form.getColumnConstraints().addAll(labels, fields);
        int row = 0;
        form.addRow(row++, new Label("Saved"), saved);
        // the profile's name over the card's whole width (its label above it): "staging-redis-eu-west-1" read whole at 960 px,
        // where the field beside its label has a hundred pixels
        Label nameLabel = new Label("Name");
        GridPane.setHalignment(nameLabel, HPos.LEFT);
        form.add(nameLabel, 0, row++, 2, 1);
        TextField name = field(id + "-name", f.name(), "e.g. staging-" + id);
        form.add(name, 0, row++, 2, 1);
        form.addRow(row++, new Label("Host"), field(id + "-host", f.host(), "host name"));
        form.addRow(row++, new Label("Port"), field(id + "-port", f.port(), f.role().postgres() ? "5432" : "6379"));
        form.addRow(row++, new Label(f.role().postgres() ? "Database" : "Database"),
                field(id + "-database", f.database(), f.role().postgres() ? "database name" : "0"));
        form.addRow(row++, new Label("User"), field(id + "-user", f.user(), f.role().postgres() ? "role" : "ACL user (optional)"));
        ChoiceBox<String> ssl = new ChoiceBox<>();
        ssl.setId(id + "-ssl");
        ssl.setMaxWidth(Double.MAX_VALUE);
        ssl.setMinWidth(60);
        ssl.setPrefWidth(60);
        ssl.getItems().setAll(f.role().postgres()
                ? java.util.List.of("disable", "prefer", "require", "verify-ca", "verify-full")
                : java.util.List.of("none", "tls"));
        ssl.valueProperty().bindBidirectional(f.ssl());
        form.addRow(row++, new Label(f.role().postgres() ? "SSL mode" : "TLS"), ssl);
        PasswordField pw = new PasswordField();
        pw.setId(id + "-password");
        pw.setMinWidth(60); // its hint is cut inside the field, not the card off the window
        pw.setPromptText(f.role().postgres() ? "from ~/.pgpass / PGPASSWORD" : "none");
        pw.textProperty().bindBidirectional(f.password());
        form.addRow(row, new Label("Password"), pw);

        Button test = new Button("Test");
        test.setId(id + "-test");
        test.setOnAction(e -> f.test());
        test.disableProperty().bind(f.testing());
        Button connect = new Button("Connect");
        connect.setId(id + "-connect");
        connect.getStyleClass().add("accent");
        connect.setOnAction(e -> f.connect());
        connect.disableProperty().bind(f.testing());
        dev.cutover.ui.Views.whole(test, connect);
        HBox buttons = new HBox(test, connect);
        buttons.getStyleClass().add("actions");

        Label ok = new Label();
        ok.setId(id + "-result");
        dev.cutover.ui.Views.wrapping(ok);
        ok.getStyleClass().add("ok-text");
        ErrorLine err = new ErrorLine();
        err.setId(id + "-error");
        Runnable update = () -> {
            if (f.testing().get() || f.ok().get() || f.result().get().isEmpty()) {
                ok.setText(f.result().get());
                err.clear();
            } else {
                ok.setText("");
                err.show(f.result().get(), f.error().get());
            }
        };
        f.testing().addListener((o, a, b) -> update.run());
        f.result().addListener((o, a, b) -> update.run());
        f.ok().addListener((o, a, b) -> update.run());
        f.error().addListener((o, a, b) -> update.run());

        VBox card = new VBox(heading, form, buttons, ok, err);
        card.getStyleClass().add("card");
        return card;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty p, String prompt) {
        TextField t = new TextField();
        t.setId(id);
        t.setPromptText(prompt);
        t.setMinWidth(60); // three cards side by side at 960 px: a field narrower than its hint, not a card off the window
        t.textProperty().bindBidirectional(p);
        return t;
    }
}
