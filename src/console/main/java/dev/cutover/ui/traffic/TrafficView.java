package dev.cutover.ui.traffic;

import dev.cutover.control.AuditEntry;
import dev.cutover.control.ControlKeys;
import dev.cutover.control.ControlState;
import dev.cutover.control.GuardCheck;
import dev.cutover.control.Phase;
import dev.cutover.control.TrafficSteps;
import dev.cutover.ui.ConsoleWords;
import dev.cutover.ui.ErrorLine;
import dev.cutover.ui.OverrideDialog;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Slider;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** The Traffic & phase screen: phase stepper with guards, read-traffic slider, write target, rollback, audit log. */
public final class TrafficView extends VBox {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private final TrafficViewModel vm;
    private final HBox stepper = new HBox();
    private final Slider slider = new Slider(0, TrafficSteps.STEPS.length - 1, 0);
    private final Button back = new Button();
    private final Button forward = new Button();
    private final Button override = new Button("Override…");
    private final Button setRate = new Button("Set sample rate");
    private final TextField rateField = new TextField();
    /** The sample rate Redis held when last shown (as its field shows it). */
    private String rateShown = "";
    /** The last refusal with its Override…, placed under what it refused: the phase buttons or the slider. */
    private final VBox refusalBox = new VBox(6);
    private final VBox phaseRefusalHost = new VBox();
    private final VBox stepRefusalHost = new VBox();
    /** The exit conditions, one guard after another, each whole: its name, then its detail wrapped below. */
    private final VBox checks = new VBox(6);
    /** The control that had the focus when it was disabled (the focus then waits on this screen), null when none. */
    private Node parkedFrom;
    private boolean updating;
    /** A shift confirmation is open: one gesture, one dialog (the slider's value and its drag end both report the same move). */
    private boolean confirming;

    public TrafficView(TrafficViewModel vm) {
        this.vm = vm;
        getStyleClass().addAll("screen", "traffic");
        Label title = new Label("Traffic & phase");
        title.getStyleClass().add("screen-title");
        Region spring = new Region();
        HBox.setHgrow(spring, Priority.ALWAYS);
        Button refresh = new Button("Refresh");
        refresh.setId("traffic-refresh");
        refresh.setOnAction(e -> vm.refresh());
        HBox head = new HBox(title, spring, refresh);
        head.getStyleClass().add("actions");

        Label message = new Label();
        message.setId("traffic-message");
        message.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(message);
        message.textProperty().bind(vm.message());
        ErrorLine err = new ErrorLine();
        vm.error().addListener((o, a, b) -> {
            if (b == null) {
                err.clear();
            } else {
                err.show(b);
            }
        });
        Label lost = new Label();
        lost.getStyleClass().add("error-text");
        dev.cutover.ui.Views.wrapping(lost);
        lost.textProperty().bind(vm.lost());
        lost.setId("traffic-lost");
        lost.visibleProperty().bind(vm.lost().isNotEmpty());
        Button restore = new Button("Restore…");
        restore.setId("traffic-restore");
        restore.getStyleClass().add("accent");
        restore.setMnemonicParsing(false);
        restore.setOnAction(e -> confirmRestore());
        restore.visibleProperty().bind(vm.restorable().isNotNull());
        restore.managedProperty().bind(restore.visibleProperty());
        restore.disableProperty().bind(vm.busy());
        dev.cutover.ui.Views.whole(restore);
        HBox.setHgrow(lost, Priority.ALWAYS);
        HBox lostBar = new HBox(12, lost, restore);
        lostBar.setAlignment(Pos.CENTER_LEFT);
        lostBar.visibleProperty().bind(vm.lost().isNotEmpty());
        lostBar.managedProperty().bind(vm.lost().isNotEmpty());

        stepper.getStyleClass().add("stepper");
        stepper.setSpacing(6);

        VBox right = new VBox(16, trafficCard(), auditCard());
        HBox.setHgrow(right, Priority.ALWAYS);
        // its width is the window's share, never its content's: a refusal shown in it does not move the slider sideways
        right.setPrefWidth(300);
        right.setMinWidth(260);
        HBox columns = new HBox(16, phaseCard(), right);
        VBox.setVgrow(columns, Priority.ALWAYS);
        getChildren().addAll(head, message, err, lostBar, stepper, columns);
        // a control disabled while it has the focus (busy, or its move done) hands it to this screen, not to
        // the next field down (which the window's scroll pane would scroll to); it takes it back when enabled again
        keepFocus(refresh, restore, slider, setRate, back, forward);
        vm.state().addListener((o, a, b) -> show(b));
        // after every refresh, refused or not, failed or not, the controls show what Redis holds
        vm.refreshes().addListener((o, a, b) -> show(vm.state().get()));
        vm.busy().addListener((o, a, b) -> show(vm.state().get()));
        show(vm.state().get());
    }

    private VBox phaseCard() {
        Label exitTitle = new Label();
        exitTitle.setId("exit-title");
        exitTitle.getStyleClass().add("card-title");
        vm.state().addListener((o, a, s) -> exitTitle.setText(s == null ? "Exit conditions"
                : "To leave " + s.phase().wireName()));
        exitTitle.setText("Exit conditions");
        // not a list with its own scroll: at 1024x700 a list box showed three or four lines and the verification's
        // long detail filled it. Every guard is laid out whole; a short window scrolls the screen instead
        checks.setId("exit-checks");
        checks.getStyleClass().add("guard-list");
        checks.setMinHeight(Region.USE_PREF_SIZE);
        vm.exitChecks().addListener((javafx.collections.ListChangeListener<GuardCheck>) c -> showChecks());
        vm.checksOf().addListener((o, a, b) -> showChecks());
        vm.state().addListener((o, a, b) -> showChecks());
        showChecks();

        back.setId("phase-rollback");
        back.setMnemonicParsing(false);
        back.getStyleClass().add("danger");
        back.setOnAction(e -> confirmMove(false));
        forward.setId("phase-advance");
        forward.setMnemonicParsing(false);
        forward.getStyleClass().add("accent");
        forward.setOnAction(e -> confirmMove(true));
        override.setId("phase-override");
        override.setMnemonicParsing(false);
        override.setOnAction(e -> confirmOverride());
        vm.refused().addListener((o, a, r) -> override.setText(r == null ? "Override…" : r.overrideLabel()));
        override.visibleProperty().bind(vm.refused().isNotNull());
        override.managedProperty().bind(override.visibleProperty());
        Runnable labels = () -> {
            ControlState s = vm.state().get();
            // while Redis lost the state, what it holds is not the migration's phase: Restore… is the one way on
            boolean none = s == null || !vm.lost().get().isEmpty();
            back.setDisable(none || s.phase().ordinal() == 0 || vm.busy().get());
            forward.setDisable(none || vm.next() == null || vm.busy().get());
            back.setText(none || s.phase().ordinal() == 0 ? "Roll back" : "◀ Roll back to " + Phase.values()[s.phase().ordinal() - 1].wireName());
            forward.setText(none || vm.next() == null ? "Advance" : "Advance to " + vm.next().wireName() + " ▶");
        };
        vm.state().addListener((o, a, b) -> labels.run());
        vm.busy().addListener((o, a, b) -> labels.run());
        vm.lost().addListener((o, a, b) -> labels.run());
        labels.run();
        dev.cutover.ui.Views.whole(back, forward, override);
        // a narrow card puts a button on a line of its own rather than cutting its words
        javafx.scene.layout.FlowPane buttons = new javafx.scene.layout.FlowPane(8, 8, back, forward);
        buttons.getStyleClass().add("actions");
        // the refusal and its Override… come under what was refused: a phase move's under the phase buttons, a traffic
        // step's under the slider (its own card). Each below the controls, so none the mouse is on moves when one comes
        Label refusal = new Label();
        refusal.setId("phase-refusal");
        refusal.getStyleClass().add("error-text");
        dev.cutover.ui.Views.wrapping(refusal);
        refusal.textProperty().bind(vm.refusal());
        refusal.managedProperty().bind(vm.refusal().isNotEmpty()); // no empty line when there is none
        refusalBox.getChildren().setAll(refusal, override);
        refusalBox.setId("refusal-box");
        refusalBox.managedProperty().bind(vm.refusal().isNotEmpty().or(vm.refused().isNotNull()));
        refusalBox.visibleProperty().bind(refusalBox.managedProperty());
        Runnable placeRefusal = () -> {
            TrafficViewModel.Refused r = vm.refused().get();
            VBox host = r != null && r.percent() != null ? stepRefusalHost : phaseRefusalHost;
            if (refusalBox.getParent() != host) {
                boolean focused = override.isFocused();
                host.getChildren().setAll(refusalBox);
                if (focused) {
                    override.requestFocus();
                }
            }
        };
        vm.refused().addListener((o, a, b) -> placeRefusal.run());
        placeRefusal.run();
        Label flip = dev.cutover.ui.Views.wrapping(new Label());
        flip.setId("phase-flip");
        flip.getStyleClass().add("hint");
        flip.textProperty().bind(vm.flip());
        flip.visibleProperty().bind(vm.flip().isNotEmpty());
        flip.managedProperty().bind(flip.visibleProperty());
        vm.flip().addListener((o, a, b) -> {
            flip.getStyleClass().remove("warn-text");
            if (b.startsWith("Flip PENDING") || b.startsWith("Could not")) {
                flip.getStyleClass().add("warn-text");
            }
        });

        VBox card = new VBox(exitTitle, checks, buttons, phaseRefusalHost, flip, shadowSection());
        card.getStyleClass().add("card");
        card.setPrefWidth(520);
        card.setMinWidth(420);
        return card;
    }

    /**
     * The read traffic: the slider, its hint, a refused step's reason (under the slider: it pushes
     * nothing the mouse is on), where reads and writes go. A card of its own above the audit log, so
     * no message of the phase card (a refusal, the flip) moves the slider.
     */
    private VBox trafficCard() {
        Label trafficTitle = dev.cutover.ui.Views.wrapping(new Label("Read traffic on the new database"));
        trafficTitle.getStyleClass().add("card-title");
        slider.setId("read-slider");
        slider.setMajorTickUnit(1);
        slider.setMinorTickCount(0);
        slider.setSnapToTicks(true);
        slider.setShowTickMarks(true);
        slider.setShowTickLabels(true);
        slider.setBlockIncrement(1);
        slider.setLabelFormatter(new StringConverter<>() {
            @Override
            public String toString(Double d) {
                return TrafficSteps.STEPS[(int) Math.round(d)] + " %";
            }

            @Override
            public Double fromString(String s) {
                return 0.0;
            }
        });
        slider.valueChangingProperty().addListener((o, was, changing) -> {
            if (!changing) {
                commitSlider();
            }
        });
        slider.valueProperty().addListener((o, a, b) -> {
            if (!slider.isValueChanging() && !updating) {
                commitSlider();
            }
        });
        Label sliderHint = new Label();
        sliderHint.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(sliderHint);
        Label reads = new Label();
        reads.setId("traffic-reads");
        Label writes = new Label();
        writes.setId("traffic-writes");
        vm.state().addListener((o, a, s) -> {
            reads.setText(s == null ? "—" : s.readPercent() + " %");
            writes.setText(s == null ? "—" : s.writeTarget().wireName());
            boolean shift = s != null && s.phase() == Phase.TRAFFIC_SHIFT;
            slider.setDisable(!shift || vm.busy().get());
            sliderHint.setText(shift ? "Up one step at a time; down to any step (a ramp-down). Each move asks for confirmation."
                    : "Read traffic moves only in traffic_shift.");
        });
        GridPane facts = new GridPane();
        facts.getStyleClass().add("form");
        facts.addRow(0, new Label("Reads on new"), reads);
        facts.addRow(1, new Label("Write target"), writes);
        VBox card = new VBox(trafficTitle, slider, sliderHint, stepRefusalHost, facts);
        card.setId("traffic-card");
        card.getStyleClass().add("card");
        card.setMinWidth(260);
        return card;
    }

    /**
     * The shadow sample rate, in the phases whose exit conditions count shadow reads (shadow_read,
     * traffic_shift): what Redis holds, its field (showing that value until the DBA types another),
     * a refused value's reason right under it, and the advice. Elsewhere one line says why it is off.
     */
    private VBox shadowSection() {
        Label sample = new Label();
        sample.setId("traffic-sample");
        dev.cutover.ui.Views.wrapping(sample);
        Label off = dev.cutover.ui.Views.wrapping(new Label());
        off.setId("sample-off");
        off.getStyleClass().add("hint");
        rateField.setId("sample-rate-field");
        rateField.setPromptText("%");
        rateField.setPrefColumnCount(5);
        setRate.setId("sample-rate-set");
        setRate.setOnAction(e -> commitSampleRate());
        rateField.setOnAction(e -> commitSampleRate());
        ErrorLine rateError = new ErrorLine();
        rateError.setId("sample-rate-error");
        vm.sampleError().addListener((o, a, b) -> {
            if (b == null || b.isEmpty()) {
                rateError.clear();
            } else {
                rateError.show(b, null);
            }
        });
        Label advice = new Label();
        advice.setId("sample-advice");
        advice.getStyleClass().add("hint");
        dev.cutover.ui.Views.wrapping(advice);
        Button useSuggested = new Button();
        useSuggested.setId("sample-rate-suggested");
        useSuggested.setMnemonicParsing(false);
        Runnable adviceShown = () -> {
            advice.setText(vm.sampleAdvice());
            Double suggested = vm.suggestedRate();
            useSuggested.setVisible(suggested != null);
            useSuggested.setManaged(suggested != null);
            if (suggested != null) {
                useSuggested.setText("Use " + TrafficViewModel.percent(suggested));
                useSuggested.setOnAction(e -> rateField.setText(TrafficViewModel.percent(suggested).replace(" %", "")));
            }
            ControlState s = vm.state().get();
            setRate.setDisable(s == null || vm.busy().get());
        };
        vm.state().addListener((o, a, b) -> adviceShown.run());
        vm.readRate().addListener((o, a, b) -> adviceShown.run());
        vm.busy().addListener((o, a, b) -> adviceShown.run());
        adviceShown.run();
        dev.cutover.ui.Views.whole(setRate, useSuggested);
        Label rateLabel = new Label("Sample rate");
        HBox rateRow = new HBox(6, rateLabel, rateField, new Label("%"), setRate, useSuggested);
        rateRow.setAlignment(Pos.CENTER_LEFT);
        VBox compared = new VBox(6, rateRow, rateError, advice);
        compared.setId("sample-rate-box");
        Label title = new Label("Shadow sample rate");
        title.getStyleClass().add("card-title");
        VBox section = new VBox(6, title, sample, off, compared);
        Runnable phaseShown = () -> {
            ControlState s = vm.state().get();
            boolean on = s != null && TrafficViewModel.comparesShadowReads(s.phase());
            compared.setVisible(on);
            compared.setManaged(on);
            sample.setText(s == null ? "—" : on ? String.format(java.util.Locale.ROOT, "%.1f %% of reads compared",
                    s.shadowSampleRate() * 100) : "");
            sample.setVisible(s == null || on);
            sample.setManaged(sample.isVisible());
            off.setText(s == null || on ? "" : TrafficViewModel.sampleOff(s));
            off.setVisible(!off.getText().isEmpty());
            off.setManaged(off.isVisible());
            if (!on) {
                vm.sampleError().set("");
            }
            // the field shows what Redis holds, unless the DBA typed another value not yet set
            String held = vm.sampleRateText();
            if (rateField.getText().isEmpty() || rateField.getText().equals(rateShown) || !on) {
                rateField.setText(held);
            }
            rateShown = held;
        };
        vm.state().addListener((o, a, b) -> phaseShown.run());
        phaseShown.run();
        return section;
    }

    /**
     * Sets the typed sample rate (a percent, 0..100). Anything else is one error line right under
     * the field, and the field is put back to what Redis holds (selected, to type again): it never
     * shows a value that is not applied as if it were.
     */
    private void commitSampleRate() {
        if (!vm.setSampleRate(rateField.getText())) {
            if (vm.state().get() != null) {
                rateField.setText(vm.sampleRateText());
                rateField.selectAll();
            }
        }
    }

    private VBox auditCard() {
        Label t = new Label("Audit log (newest first)");
        t.getStyleClass().add("card-title");
        ListView<AuditEntry> list = new ListView<>(vm.audit());
        list.setId("audit-log");
        list.setPlaceholder(new Label("No change recorded yet"));
        list.setCellFactory(l -> new WrappingCell<>(TrafficView::auditLine, a -> a.override() || a.automatic() ? "warn-text" : null));
        VBox.setVgrow(list, Priority.ALWAYS);
        // as tall as the column leaves it (the read-traffic card above it), never making the screen taller
        list.setPrefHeight(160);
        VBox card = new VBox(t, list);
        card.getStyleClass().add("card");
        VBox.setVgrow(card, Priority.ALWAYS);
        return card;
    }

    /**
     * One audit entry in words: when and who, then what changed, from → to, and why (the whole
     * reason, wrapped); an override then names the guard(s) it passed, as refused then.
     */
    static String auditLine(AuditEntry a) {
        String guard = a.get(ControlKeys.Audit.GUARD);
        return TIME.format(Instant.ofEpochMilli(a.at())) + "   " + a.who() + "\n" + a.action() + ": "
                + a.from() + " → " + a.to() + (a.override() ? "   OVERRIDE" : "")
                + (a.why() == null || a.why().isEmpty() ? "" : "   — " + a.why())
                + (a.override() && !guard.isEmpty() ? "\nOverrode: " + ConsoleWords.of(guard) : "");
    }

    /**
     * A list cell whose text wraps at the list's width: its preferred width is 0, so the list's
     * viewport width is what it gets (no horizontal scrollbar, nothing cut at the right edge) and its
     * height is that of the wrapped text. An optional style class per item (null: none).
     */
    static final class WrappingCell<T> extends ListCell<T> {
        private final Function<T, String> text;
        private final Function<T, String> style;
        private String styled;

        WrappingCell(Function<T, String> text, Function<T, String> style) {
            this.text = text;
            this.style = style;
            setWrapText(true);
            setPrefWidth(0);
            getStyleClass().add("wrapping-cell");
        }

        @Override
        protected void updateItem(T item, boolean empty) {
            super.updateItem(item, empty);
            if (styled != null) {
                getStyleClass().remove(styled);
                styled = null;
            }
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText(text.apply(item));
            styled = style.apply(item);
            if (styled != null) {
                getStyleClass().add(styled);
            }
        }
    }

    /** One guard: "✓ name" or "✗ name" in its colour, and below it the whole detail, wrapped at the card's width. */
    static VBox guardRow(GuardCheck g) {
        Label name = dev.cutover.ui.Views.wrapping(new Label((g.ok() ? "✓ " : "✗ ") + g.name()));
        name.getStyleClass().addAll("guard-name", g.ok() ? "guard-ok" : "guard-blocked");
        VBox row = new VBox(1, name);
        if (!g.detail().isEmpty()) {
            Label detail = dev.cutover.ui.Views.wrapping(new Label(g.detail()));
            detail.getStyleClass().addAll("guard-detail", "hint");
            detail.setPadding(new javafx.geometry.Insets(0, 0, 0, 18));
            row.getChildren().add(detail);
        }
        row.getStyleClass().add("guard");
        return row;
    }

    private void showChecks() {
        if (vm.exitChecks().isEmpty()) {
            ControlState s = vm.state().get();
            Label none = dev.cutover.ui.Views.wrapping(new Label(s == null ? ""
                    : vm.checksOf().get() != s.phase() ? "Reading the exit conditions of " + s.phase().wireName() + "…"
                    : "No exit condition for this phase"));
            none.setId("exit-checks-none");
            none.getStyleClass().add("hint");
            checks.getChildren().setAll(none);
        } else {
            checks.getChildren().setAll(vm.exitChecks().stream().map(TrafficView::guardRow).toList());
        }
    }

    private void show(ControlState s) {
        stepper.getChildren().clear();
        for (Phase p : Phase.values()) {
            Label name = new Label(p.wireName());
            name.getStyleClass().add("step-name");
            dev.cutover.ui.Views.whole(name);
            Label wt = dev.cutover.ui.Views.wrapping(new Label("writes: " + p.writeTarget().wireName()));
            wt.getStyleClass().add("hint");
            VBox step = new VBox(2, name, wt);
            step.setId("step-" + p.wireName());
            step.getStyleClass().add("phase-step");
            step.setAlignment(Pos.CENTER_LEFT);
            boolean lost = !vm.lost().get().isEmpty();
            if (s != null && !lost && p == s.phase()) {
                step.getStyleClass().add("current");
            } else if (s != null && !lost && p.ordinal() < s.phase().ordinal()) {
                step.getStyleClass().add("done");
            }
            HBox.setHgrow(step, Priority.ALWAYS);
            step.setMaxWidth(Double.MAX_VALUE);
            stepper.getChildren().add(step);
        }
        updating = true;
        int shown = s == null ? 0 : TrafficSteps.isStep(s.readPercent()) ? s.readPercent() : TrafficSteps.previous(s.readPercent());
        int idx = Arrays.stream(TrafficSteps.STEPS).boxed().toList().indexOf(shown);
        slider.setValue(Math.max(0, idx));
        slider.setDisable(s == null || s.phase() != Phase.TRAFFIC_SHIFT || vm.busy().get() || !vm.lost().get().isEmpty());
        updating = false;
    }

    /**
     * Keeps the keyboard focus where the DBA left it: a control disabled or hidden while it has the
     * focus (the slider and buttons while a change runs, Advance at the last phase) would hand it
     * to the next focusable control down the screen (the sample rate field), and the window's
     * scroll pane would scroll there. Instead this screen holds it (nothing scrolls) and gives it
     * back to that control once it can take it again, unless the DBA put it elsewhere meanwhile.
     */
    private void keepFocus(javafx.scene.control.Control... controls) {
        setFocusTraversable(false);
        for (javafx.scene.control.Control c : controls) {
            javafx.beans.InvalidationListener check = o -> {
                javafx.scene.Scene scene = getScene();
                if (scene == null) {
                    return;
                }
                boolean able = !c.isDisabled() && c.isVisible();
                if (!able && scene.getFocusOwner() == c) {
                    parkedFrom = c;
                    requestFocus();
                } else if (able && parkedFrom == c) {
                    parkedFrom = null;
                    if (scene.getFocusOwner() == this) {
                        c.requestFocus();
                    }
                }
            };
            c.disabledProperty().addListener(check);
            c.visibleProperty().addListener(check);
        }
    }

    /**
     * Advance or roll back one phase, after a confirmation that says what the move does (the
     * phases, the write target and where the routers then write, cleanup's dropped slots);
     * Cancel is the default button. Every phase move asks once: an override asks in its own dialog.
     */
    private void confirmMove(boolean advance) {
        ControlState s = vm.state().get();
        if (s == null || vm.busy().get()) {
            return;
        }
        Phase to = advance ? vm.next() : s.phase().ordinal() == 0 ? null : Phase.values()[s.phase().ordinal() - 1];
        if (to == null) {
            return;
        }
        String go = (advance ? "Move to " : "Roll back to ") + to.wireName();
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, "");
        confirm.setTitle(advance ? "Advance the phase" : "Roll back the phase");
        confirm.setHeaderText((advance ? "Move from " : "Roll back from ") + s.phase().wireName() + " to " + to.wireName() + "?");
        Label what = dev.cutover.ui.Views.wrapping(new Label(vm.describeMove(to, advance)));
        what.setId("phase-confirm-what");
        what.setPrefWidth(560); // a wrapping label's height follows its width: the dialog is sized for every line
        confirm.getDialogPane().setContent(what);
        confirm.getDialogPane().setId("phase-confirm");
        confirm.getDialogPane().setMinHeight(Region.USE_PREF_SIZE);
        confirm.setResizable(true);
        ButtonType move = new ButtonType(go, ButtonBar.ButtonData.OK_DONE);
        confirm.getButtonTypes().setAll(move, ButtonType.CANCEL);
        Button moveButton = (Button) confirm.getDialogPane().lookupButton(move);
        moveButton.setMnemonicParsing(false); // "new_primary", not "newprimary" with an underlined p
        dev.cutover.ui.CancelFirst.on(confirm);
        confirm.initOwner(getScene().getWindow());
        if (confirm.showAndWait().filter(b -> b == move).isPresent()) {
            ControlState now = vm.state().get();
            if (now == null || now.phase() != s.phase() || vm.busy().get()) {
                // what was confirmed is the move from the phase shown then, not from another one
                vm.message().set("The phase changed while this asked (now " + (now == null ? "not known" : now.phase().wireName())
                        + "): nothing moved");
                return;
            }
            if (advance) {
                vm.advance();
            } else {
                vm.rollback();
            }
        }
    }

    private void commitSlider() {
        ControlState s = vm.state().get();
        if (s == null || updating || confirming || vm.busy().get()) {
            return;
        }
        int target = TrafficSteps.STEPS[(int) Math.round(slider.getValue())];
        if (target == s.readPercent()) {
            return;
        }
        confirming = true;
        try {
            confirmShift(s, target);
        } finally {
            confirming = false;
        }
    }

    private void confirmShift(ControlState s, int target) {
        ButtonType shift = new ButtonType("Shift reads to " + target + " %", ButtonBar.ButtonData.OK_DONE);
        Alert confirm = new Alert(Alert.AlertType.CONFIRMATION, vm.describeShift(target), shift, ButtonType.CANCEL);
        confirm.setHeaderText("Shift read traffic?");
        confirm.getDialogPane().setId("shift-confirm");
        // a shift moves real users' reads, as a phase move changes what they see: Enter is Cancel, as in every move's dialog
        dev.cutover.ui.CancelFirst.on(confirm);
        confirm.initOwner(getScene().getWindow());
        boolean ok = confirm.showAndWait().filter(b -> b.getButtonData() == ButtonBar.ButtonData.OK_DONE).isPresent();
        if (ok) {
            vm.shiftReads(target, "read traffic " + s.readPercent() + " % → " + target + " % from the console");
        } else {
            show(s);
        }
    }

    /**
     * The confirmation of a restore after Redis lost the state: what will be written (phase, write
     * target, read percent, sample rate, version, whether the routing salt is kept) and from what it
     * is known, and a reason for the audit log (the command line's suggestion, to edit).
     */
    private void confirmRestore() {
        TrafficViewModel.Restore r = vm.restorable().get();
        if (r == null) {
            return;
        }
        String phase = r.state().phase().wireName();
        Dialog<String> d = new Dialog<>();
        d.setTitle("Restore the control state");
        d.setHeaderText("Redis lost the control state. Restore it at phase " + phase + "?");
        d.getDialogPane().setId("restore-dialog");
        d.setResizable(true);
        Label what = dev.cutover.ui.Views.wrapping(new Label(r.describe()));
        what.setId("restore-what");
        TextField why = new TextField("restore after Redis loss");
        why.setId("restore-why");
        why.setPromptText("why (written to the audit log)");
        VBox body = new VBox(8, what, new Label("Reason:"), why);
        body.setPrefWidth(560);
        d.getDialogPane().setContent(body);
        ButtonType go = new ButtonType("Restore at " + phase, ButtonBar.ButtonData.OK_DONE);
        d.getDialogPane().getButtonTypes().addAll(go, ButtonType.CANCEL);
        Button goButton = (Button) d.getDialogPane().lookupButton(go);
        goButton.setMnemonicParsing(false); // "traffic_shift", not "trafficshift" with an underlined s
        goButton.disableProperty().bind(why.textProperty().isEmpty());
        if (!r.saltKept()) {
            // it warns that tenants may change sides: Enter is Cancel
            dev.cutover.ui.CancelFirst.on(d);
        }
        d.setResultConverter(b -> b == go ? why.getText().trim() : null);
        d.initOwner(getScene().getWindow());
        d.showAndWait().filter(w -> !w.isEmpty()).ifPresent(vm::restore);
    }

    /**
     * Typed confirmation of an override of exactly what was refused (the phase move or the traffic
     * step): the DBA reads every reason whole (wrapped, scrollable), types the target and a reason;
     * both go to the audit log.
     */
    private void confirmOverride() {
        TrafficViewModel.Refused r = vm.refused().get();
        if (r == null) {
            return;
        }
        // each failing guard once, whole; a refusal without guards (a traffic step) in its own words, once.
        // This dialog is the Override… the refusal names: it does not send the DBA to itself
        List<String> reasons = TrafficViewModel.overrideReasons(r, vm.failingExit(), vm.state().get());
        boolean move = r.phase() != null;
        OverrideDialog.ask(getScene().getWindow(), new OverrideDialog.Ask("override-dialog",
                move ? "Move to " + r.phase().wireName() + " although its guards refuse?"
                        : "Set reads on the new database to " + r.percent() + " % although that step is refused?",
                // what the move does, as Advance asks it (cleanup: the slots dropped, the old side no longer written)
                move ? vm.describeMove(r.phase(), false) : null,
                reasons, move ? r.phase().wireName() : r.percent() + " %", move ? "Override and move" : "Override and shift"))
                .ifPresent(w -> {
                    // Override… goes away with the refusal: this screen holds the focus, not the next field down the screen
                    // (the scrolled screen would jump to the sample rate, away from what just changed)
                    requestFocus();
                    vm.overrideRefused(w);
                });
    }
}
