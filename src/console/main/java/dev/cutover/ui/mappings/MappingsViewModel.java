package dev.cutover.ui.mappings;

import dev.cutover.app.PlanEdits;
import dev.cutover.check.Finding;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import javafx.beans.binding.StringExpression;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Mappings screen's state and commands: the plan being edited ({@link PlanDocument}: file,
 * undo/redo, saved or not), both live schemas ({@link LiveSchemas}), the table mapping shown, the
 * grid rows and the engine-rendered SQL preview ({@link MappingGrid}), the selected column's
 * expression and the database's verdict on each expression ({@link LiveExpressionCheck}: debounced,
 * in the background, through {@link ExpressionChecker}), the full plan check ({@link PlanCheckRun})
 * and the findings ({@link MappingFindings}). Edits are {@link PlanEdits}; this class only
 * coordinates them.
 */
public final class MappingsViewModel {
    /** How long typing must pause before the database checks the expression. */
    public static final Duration CHECK_DELAY = Duration.millis(300);

    private final Session session;
    private final PlanDocument doc = new PlanDocument();
    private final IntegerProperty tableIndex = new SimpleIntegerProperty(-1);
    private final ObservableList<MappingRow> rows = FXCollections.observableArrayList();
    private final StringProperty selectedTarget = new SimpleStringProperty();
    private final StringProperty expr = new SimpleStringProperty("");
    private final StringProperty preview = new SimpleStringProperty("");
    private final ObservableList<Finding> findings = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    /** The database's verdict on each expression, asked once (the probe session is its own). */
    private final ExpressionChecker checker;
    private final MappingGrid grid;
    private final MappingFindings found;
    private final LiveSchemas schemas;
    private final LiveExpressionCheck live;
    private final PlanCheckRun planCheck;
    private boolean editing;

    public MappingsViewModel(Session session, BackgroundTasks tasks) {
        this(session, tasks, new ExpressionChecker());
    }

    /** @param checker the expression checker (its verdicts and its session on the old database) */
    public MappingsViewModel(Session session, BackgroundTasks tasks, ExpressionChecker checker) {
        this.session = session;
        this.checker = checker;
        this.grid = new MappingGrid(checker);
        this.found = new MappingFindings(checker);
        this.schemas = new LiveSchemas(tasks);
        this.live = new LiveExpressionCheck(checker, tasks, CHECK_DELAY, this::toCheck, this::rebuildRows);
        this.planCheck = new PlanCheckRun(tasks, message::set);
        session.oldDb().addListener((o, a, b) -> {
            checker.forget();
            loadSchemas();
        });
        session.newDb().addListener((o, a, b) -> loadSchemas());
        doc.plan().addListener((o, a, b) -> {
            session.migration().set(b == null ? null : b.name());
            refresh();
        });
        tableIndex.addListener((o, a, b) -> {
            editing = false;
            refresh();
        });
        selectedTarget.addListener((o, a, b) -> {
            editing = false;
            expr.set(currentExpr());
            showVerdict();
        });
        schemas.oldSchema().addListener((o, a, b) -> refresh());
        schemas.newSchema().addListener((o, a, b) -> refresh());
    }

    // ---- plan file ----

    public void newPlan(String name) {
        show(new Plan(Plan.CURRENT_VERSION, name, List.of()), null, false);
    }

    /** Opens a plan file (strict read; a bad file is one line in words and nothing changes). */
    public boolean open(Path path) {
        try {
            Plan p = PlanFile.read(path);
            show(p, path, true);
            say("Opened " + path.getFileName() + " (" + p.tables().size() + " tables)");
            return true;
        } catch (RuntimeException e) {
            fail(e);
            return false;
        }
    }

    private void show(Plan p, Path path, boolean saved) {
        tableIndex.set(-1);
        doc.load(p, path, saved);
        tableIndex.set(p.tables().isEmpty() ? -1 : 0);
        selectedTarget.set(null);
    }

    /** Saves to the open file; false when there is none (the view then asks where). */
    public boolean save() {
        return doc.file().get() != null && saveAs(doc.file().get());
    }

    /** Writes the plan canonically; a plan the engine would refuse is not written, the reason names the JSON path. */
    public boolean saveAs(Path path) {
        try {
            if (doc.saveAs(path)) {
                say("Saved " + path.getFileName());
                return true;
            }
            return false;
        } catch (RuntimeException e) {
            message.set("Not saved: " + Problems.oneLine(e));
            error.set(e);
            return false;
        }
    }

    // ---- undo / redo ----

    /** Goes one step back; the status line says what was undone. */
    public void undo() {
        editing = false;
        doc.undo().ifPresent(label -> stepped("Undone: " + label));
    }

    /** Goes one step forward again (Ctrl+Shift+Z, Ctrl+Y); the status line says what was redone. */
    public void redo() {
        editing = false;
        doc.redo().ifPresent(label -> stepped("Redone: " + label));
    }

    private void stepped(String what) {
        expr.set(currentExpr());
        say(what);
    }

    // ---- editing ----

    /** Sets the selected column's expression as typed; one undo step per run of typing in one column. */
    public void editExpr(String text) {
        String target = selectedTarget.get();
        TableMapping t = table();
        if (target != null && t != null && !text.equals(currentExpr())) {
            Plan next = PlanEdits.withColumn(doc.plan().get(), tableIndex.get(), target, text);
            if (editing) {
                doc.amend(next);
            } else {
                doc.change(next, "edited the expression of " + t.target().table() + "." + target);
                editing = true;
            }
        }
        expr.set(text);
    }

    /** Maps an old column onto a new column (drag and drop): expr becomes the quoted old column name. */
    public void mapColumn(TableRef oldTable, String oldColumn, TableRef newTable, String newColumn) {
        int i = tableFor(oldTable, newTable);
        String what = oldTable.table() + "." + oldColumn + " → " + newTable.table() + "." + newColumn;
        editing = false;
        doc.change(PlanEdits.withColumn(doc.plan().get(), i, newColumn, SqlNames.quote(oldColumn)), "mapped " + what);
        tableIndex.set(i);
        selectedTarget.set(newColumn);
        expr.set(currentExpr());
        message.set("Mapped " + what);
    }

    /** Adds a table mapping old → new (key = the old table's primary key, mapped to same-named new columns). */
    public void mapTables(TableRef oldTable, TableRef newTable) {
        tableIndex.set(tableFor(oldTable, newTable));
    }

    /** The index of the mapping old → new, added (one undo step) when the plan has none; a plan is started if none is open. */
    private int tableFor(TableRef oldTable, TableRef newTable) {
        if (doc.plan().get() == null) {
            newPlan(newTable.table());
        }
        int i = PlanEdits.indexOf(doc.plan().get(), oldTable, newTable);
        if (i >= 0) {
            return i;
        }
        editing = false;
        doc.change(PlanEdits.withTable(doc.plan().get(), oldTable, newTable, oldSchema().get(), newSchema().get()),
                "mapped table " + oldTable + " → " + newTable);
        return doc.plan().get().tables().size() - 1;
    }

    /** Fills unmapped columns of the shown table with same-named or close-named old columns of compatible type. */
    public int suggest() {
        if (table() == null || oldTable().isEmpty() || newTable().isEmpty()) {
            message.set("Suggest needs a table mapping and both schemas");
            return 0;
        }
        PlanEdits.Suggested s = PlanEdits.suggest(doc.plan().get(), tableIndex.get(), oldTable().get(), newTable().get());
        int n = s.mappings().size();
        if (n == 0) {
            message.set("No further mappings to suggest");
            return 0;
        }
        editing = false;
        doc.change(s.plan(), "suggested " + n + " mapping" + (n == 1 ? "" : "s"));
        message.set("Suggested " + n + " mappings: " + s.mappings().entrySet().stream()
                .map(e -> e.getValue() + " → " + e.getKey()).collect(Collectors.joining(", ")));
        expr.set(currentExpr());
        return n;
    }

    /**
     * Runs the full plan check ({@link PlanChecker}: static checks and the dry run over every source
     * row) in the background; its findings join the quick ones (see {@link #findings()}).
     */
    public void runCheck() {
        Plan p = doc.plan().get();
        planCheck.start(p, session.oldDb().get(), session.newDb().get(), report -> {
            say(found.checked(report, p));
            findings.setAll(found.of(doc.plan().get(), oldSchema().get(), newSchema().get()));
        }, this::fail);
    }

    /** Forgets every verdict and asks the database again (Ctrl+Enter). */
    public void recheck() {
        checker.forget();
        refresh();
        live.now();
    }

    /** Shows what a finding concerns: its table and column. */
    public void focus(Finding f) {
        int i = MappingFindings.tableOf(doc.plan().get(), f);
        if (i >= 0) {
            tableIndex.set(i);
            if (f.targetColumn() != null) {
                selectedTarget.set(f.targetColumn());
            }
        }
    }

    /** Old column names of the shown table starting with {@code prefix} (case-insensitive), for completion. */
    public List<String> completions(String prefix) {
        return schemas.completions(table(), prefix);
    }

    /** Reads both schemas in the background (each on a connection of its own, closed after). */
    public void loadSchemas() {
        schemas.load(session.oldDb().get(), session.newDb().get(), this::fail);
    }

    // ---- derived state ----

    public TableMapping table() {
        Plan p = doc.plan().get();
        int i = tableIndex.get();
        return p == null || i < 0 || i >= p.tables().size() ? null : p.tables().get(i);
    }

    public Optional<Schema.Table> oldTable() {
        return schemas.oldTable(table());
    }

    public Optional<Schema.Table> newTable() {
        return schemas.newTable(table());
    }

    private String currentExpr() {
        TableMapping t = table();
        String target = selectedTarget.get();
        return t == null || target == null ? "" : t.column(target).map(ColumnMapping::expr).orElse("");
    }

    /** Recomputes grid rows and preview now, and the database's verdicts after the typing pause. */
    private void refresh() {
        rebuildRows();
        preview.set(grid.preview(table(), oldTable(), newTable()));
        live.later();
    }

    private void rebuildRows() {
        rows.setAll(grid.rows(table(), newTable()));
        findings.setAll(found.of(doc.plan().get(), oldSchema().get(), newSchema().get()));
        showVerdict();
    }

    private void showVerdict() {
        TableMapping t = table();
        String target = selectedTarget.get();
        String e = currentExpr();
        Optional<Schema.Column> col = target == null ? Optional.empty() : newTable().flatMap(x -> x.column(target));
        live.show(t == null || e.isEmpty() ? ExpressionChecker.Verdict.UNCHECKED : grid.verdict(t, col, e), col.isPresent() && !e.isEmpty());
    }

    /** Every mapped expression of the shown table, to ask the old database about; null without both tables or the old database. */
    private LiveExpressionCheck.Ask toCheck() {
        TableMapping t = table();
        Db db = session.oldDb().get();
        return t == null || db == null || newTable().isEmpty() || oldTable().isEmpty() ? null
                : new LiveExpressionCheck.Ask(db, MappingGrid.probes(t, newTable().get()));
    }

    public void close() {
        checker.close();
    }

    private void say(String what) {
        message.set(what);
        error.set(null);
    }

    private void fail(Throwable e) {
        message.set(Problems.oneLine(e));
        error.set(e);
    }

    // ---- properties ----

    /** Where the plan is, for the screen's header: {@code plan.json in /home/dba/migrations}, "not saved yet", or empty. */
    public StringExpression location() {
        return doc.location();
    }

    /** "saas-orders — plan.json •" for the window title; "No plan open" without one. */
    public StringExpression title() {
        return doc.title();
    }

    public ObjectProperty<Plan> plan() {
        return doc.plan();
    }

    public ObjectProperty<Path> file() {
        return doc.file();
    }

    public BooleanProperty dirty() {
        return doc.dirty();
    }

    public BooleanProperty canUndo() {
        return doc.canUndo();
    }

    public BooleanProperty canRedo() {
        return doc.canRedo();
    }

    public ObjectProperty<Schema> oldSchema() {
        return schemas.oldSchema();
    }

    public ObjectProperty<Schema> newSchema() {
        return schemas.newSchema();
    }

    public IntegerProperty tableIndex() {
        return tableIndex;
    }

    public ObservableList<MappingRow> rows() {
        return rows;
    }

    public StringProperty selectedTarget() {
        return selectedTarget;
    }

    public StringProperty expr() {
        return expr;
    }

    /** The database's error for the selected expression, "" when it is fine or not known yet. */
    public StringProperty exprProblem() {
        return live.problem();
    }

    public BooleanProperty exprChecking() {
        return live.checking();
    }

    public StringProperty preview() {
        return preview;
    }

    /** The quick findings made as you type, with the last plan check's of every table still mapped as checked; problems first. */
    public ObservableList<Finding> findings() {
        return findings;
    }

    /** Whether a listed finding is the full plan check's (dry run included), not one of the checks as you type. */
    public boolean fromCheck(Finding f) {
        return found.fromCheck(f);
    }

    /** A finding as the list shows it: {@code Problem (plan check) · public.users.email: … — 3 rows, e.g. …}. */
    public String describe(Finding f) {
        return found.describe(f);
    }

    public StringProperty message() {
        return message;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    /** True while the plan check runs. */
    public BooleanProperty checking() {
        return planCheck.checking();
    }
}
