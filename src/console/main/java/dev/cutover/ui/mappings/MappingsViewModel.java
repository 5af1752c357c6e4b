package dev.cutover.ui.mappings;

import dev.cutover.app.PlanChecks;
import dev.cutover.check.Finding;
import dev.cutover.check.Severity;
import dev.cutover.pg.Db;
import dev.cutover.pg.Schema;
import dev.cutover.pg.SchemaReader;
import dev.cutover.plan.ColumnMapping;
import dev.cutover.plan.Plan;
import dev.cutover.plan.PlanFile;
import dev.cutover.plan.SqlNames;
import dev.cutover.plan.TableMapping;
import dev.cutover.plan.TableRef;
import dev.cutover.check.CheckReport;
import dev.cutover.check.PlanChecker;
import dev.cutover.sql.MappingSql;
import dev.cutover.sql.SqlPreview;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Problems;
import dev.cutover.ui.Session;
import javafx.animation.PauseTransition;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.StringExpression;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.util.Duration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Mappings screen: the plan being edited (immutable {@link Plan} snapshots, so undo/redo is
 * a stack of plans), both live schemas, the table mapping shown, the grid rows, the selected
 * column's expression, the engine-rendered SQL preview and the database's verdict on each
 * expression (debounced, in the background, through {@link ExpressionChecker}).
 */
public final class MappingsViewModel {
    /** How long typing must pause before the database checks the expression. */
    public static final Duration CHECK_DELAY = Duration.millis(300);

    private final Session session;
    private final BackgroundTasks tasks;
    private final ObjectProperty<Plan> plan = new SimpleObjectProperty<>();
    private final ObjectProperty<Path> file = new SimpleObjectProperty<>();
    private final BooleanProperty dirty = new SimpleBooleanProperty(false);
    private final ObjectProperty<Schema> oldSchema = new SimpleObjectProperty<>();
    private final ObjectProperty<Schema> newSchema = new SimpleObjectProperty<>();
    private final IntegerProperty tableIndex = new SimpleIntegerProperty(-1);
    private final ObservableList<MappingRow> rows = FXCollections.observableArrayList();
    private final StringProperty selectedTarget = new SimpleStringProperty();
    private final StringProperty expr = new SimpleStringProperty("");
    private final StringProperty exprProblem = new SimpleStringProperty("");
    private final BooleanProperty exprChecking = new SimpleBooleanProperty(false);
    private final StringProperty preview = new SimpleStringProperty("");
    /** The table mapping (source, target) and SQL of the last preview that rendered. */
    private String lastRendered;
    private final ObservableList<Finding> findings = FXCollections.observableArrayList();
    /** The listed findings that came from the full plan check. */
    private final java.util.Set<Finding> fromCheck = new java.util.HashSet<>();
    private final StringProperty message = new SimpleStringProperty("");
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    private final BooleanProperty checking = new SimpleBooleanProperty(false);
    private CheckReport checkReport;
    private Plan checkedPlan;
    private final BooleanProperty canUndo = new SimpleBooleanProperty(false);
    private final BooleanProperty canRedo = new SimpleBooleanProperty(false);

    /** Undo/redo of the plan, each step labelled (the status line says what an undo or redo did), and the plan last saved. */
    private final EditHistory<Plan> history = new EditHistory<>();
    private boolean editing;

    /** Verdicts of the database per (source table, target column, type, expr); null value = fine. */
    /** The database's verdict on each expression, asked once (the probe session is its own). */
    private final ExpressionChecker checker;
    private final PauseTransition checkDelay = new PauseTransition(CHECK_DELAY);
    private long generation;

    public MappingsViewModel(Session session, BackgroundTasks tasks) {
        this(session, tasks, new ExpressionChecker());
    }

    /** @param checker the expression checker (its verdicts and its session on the old database) */
    public MappingsViewModel(Session session, BackgroundTasks tasks, ExpressionChecker checker) {
        this.session = session;
        this.tasks = tasks;
        this.checker = checker;
        checkDelay.setOnFinished(e -> checkNow());
        session.oldDb().addListener((o, a, b) -> {
            checker.forget();
            loadSchemas();
        });
        session.newDb().addListener((o, a, b) -> loadSchemas());
        plan.addListener((o, a, b) -> {
            dirty.set(history.dirty());
            session.migration().set(b == null ? null : b.name());
            canUndo.set(history.canUndo());
            canRedo.set(history.canRedo());
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
        oldSchema.addListener((o, a, b) -> refresh());
        newSchema.addListener((o, a, b) -> refresh());
    }

    // ---- plan file ----

    public void newPlan(String name) {
        load(new Plan(Plan.CURRENT_VERSION, name, List.of()), null);
        history.reset(plan.get(), false);
        dirty.set(true);
    }

    /** Opens a plan file (strict read; a bad file is one line in words and nothing changes). */
    public boolean open(Path path) {
        try {
            Plan p = PlanFile.read(path);
            load(p, path);
            message.set("Opened " + path.getFileName() + " (" + p.tables().size() + " tables)");
            error.set(null);
            return true;
        } catch (RuntimeException e) {
            fail(e);
            return false;
        }
    }

    private void load(Plan p, Path path) {
        history.reset(p, true);
        file.set(path);
        tableIndex.set(-1);
        plan.set(p);
        tableIndex.set(p.tables().isEmpty() ? -1 : 0);
        selectedTarget.set(null);
    }

    /** Saves to the open file; false when there is none (the view then asks where). */
    public boolean save() {
        return file.get() != null && saveAs(file.get());
    }

    /**
     * Writes the plan canonically, after reading it back strictly: a plan the engine would
     * refuse is not written; the reason names the JSON path.
     */
    public boolean saveAs(Path path) {
        Plan p = plan.get();
        if (p == null) {
            return false;
        }
        try {
            PlanFile.parse(PlanFile.toJson(p), path.getFileName().toString());
            PlanFile.write(p, path);
            history.saved();
            file.set(path);
            dirty.set(false);
            message.set("Saved " + path.getFileName());
            error.set(null);
            return true;
        } catch (RuntimeException e) {
            message.set("Not saved: " + Problems.oneLine(e));
            error.set(e);
            return false;
        }
    }

    // ---- undo / redo ----

    /** A new undo step to {@code next}, saying what it did. */
    private void change(Plan next, String label) {
        if (history.record(next, label)) {
            plan.set(next);
        }
    }

    /** Goes one step back; the status line says what was undone. */
    public void undo() {
        history.undo().ifPresent(step -> {
            editing = false;
            plan.set(history.current());
            expr.set(currentExpr());
            error.set(null);
            message.set("Undone: " + step.label());
        });
    }

    /** Goes one step forward again (Ctrl+Shift+Z, Ctrl+Y); the status line says what was redone. */
    public void redo() {
        history.redo().ifPresent(step -> {
            editing = false;
            plan.set(history.current());
            expr.set(currentExpr());
            error.set(null);
            message.set("Redone: " + step.label());
        });
    }

    // ---- editing ----

    /** Sets the selected column's expression as typed; one undo step per run of typing in one column. */
    public void editExpr(String text) {
        String target = selectedTarget.get();
        TableMapping t = table();
        if (target == null || t == null || text.equals(currentExpr())) {
            expr.set(text);
            return;
        }
        Plan next = withColumn(plan.get(), tableIndex.get(), target, text);
        if (editing) {
            history.amend(next);
            plan.set(next);
        } else {
            change(next, "edited the expression of " + t.target().table() + "." + target);
            editing = true;
        }
        expr.set(text);
    }

    /** Maps an old column onto a new column (drag and drop): expr becomes the quoted old column name. */
    public void mapColumn(TableRef oldTable, String oldColumn, TableRef newTable, String newColumn) {
        if (plan.get() == null) {
            newPlan(newTable.table());
        }
        int i = indexOf(oldTable, newTable);
        Plan p = plan.get();
        if (i < 0) {
            p = withTable(p, oldTable, newTable);
            i = p.tables().size() - 1;
        }
        editing = false;
        change(withColumn(p, i, newColumn, SqlNames.quote(oldColumn)),
                "mapped " + oldTable.table() + "." + oldColumn + " → " + newTable.table() + "." + newColumn);
        tableIndex.set(i);
        selectedTarget.set(newColumn);
        expr.set(currentExpr());
        message.set("Mapped " + oldTable.table() + "." + oldColumn + " → " + newTable.table() + "." + newColumn);
    }

    /** Adds a table mapping old → new (key = the old table's primary key, mapped to same-named new columns). */
    public void mapTables(TableRef oldTable, TableRef newTable) {
        if (plan.get() == null) {
            newPlan(newTable.table());
        }
        int i = indexOf(oldTable, newTable);
        if (i < 0) {
            editing = false;
            change(withTable(plan.get(), oldTable, newTable), "mapped table " + oldTable + " → " + newTable);
            i = plan.get().tables().size() - 1;
        }
        tableIndex.set(i);
    }

    /** Fills unmapped columns of the shown table with same-named or close-named old columns of compatible type. */
    public int suggest() {
        TableMapping t = table();
        Optional<Schema.Table> o = oldTable();
        Optional<Schema.Table> n = newTable();
        if (t == null || o.isEmpty() || n.isEmpty()) {
            message.set("Suggest needs a table mapping and both schemas");
            return 0;
        }
        Map<String, String> s = dev.cutover.check.Suggest.mappings(o.get(), n.get(),
                t.columns().stream().map(ColumnMapping::target).collect(Collectors.toSet()),
                dev.cutover.check.Suggest.referenced(t.columns().stream().map(ColumnMapping::expr).toList()));
        if (s.isEmpty()) {
            message.set("No further mappings to suggest");
            return 0;
        }
        Plan p = plan.get();
        for (var e : s.entrySet()) {
            p = withColumn(p, tableIndex.get(), e.getKey(), e.getValue());
        }
        editing = false;
        change(p, "suggested " + s.size() + " mapping" + (s.size() == 1 ? "" : "s"));
        message.set("Suggested " + s.size() + " mappings: " + s.entrySet().stream()
                .map(e -> e.getValue() + " → " + e.getKey()).collect(Collectors.joining(", ")));
        expr.set(currentExpr());
        return s.size();
    }

    /**
     * Runs the full plan check (dev.cutover.check.PlanChecker: static checks and the dry run over
     * every source row) in the background; its findings join the quick ones (see {@link #findings()}).
     */
    public void runCheck() {
        Plan p = plan.get();
        Db o = session.oldDb().get();
        Db n = session.newDb().get();
        if (p == null || o == null || n == null) {
            message.set("The plan check needs a plan and both databases connected");
            return;
        }
        checking.set(true);
        message.set("Checking the plan (dry run over every row)…");
        var task = tasks.run("Plan check", pr -> new PlanChecker(o, n).onProgress((table, rows, estimate) -> {
            if (pr.isCancelled()) {
                throw new java.util.concurrent.CancellationException("plan check cancelled"); // the dry run stops here
            }
            pr.update(rows, Math.max(rows, estimate), table + ": " + rows + " rows");
        }).check(p), report -> {
                    checking.set(false);
                    checkReport = report;
                    checkedPlan = p;
                    message.set("Plan check: " + count(report.count(dev.cutover.check.Severity.PROBLEM), "problem") + ", "
                            + count(report.count(dev.cutover.check.Severity.WARNING), "warning") + ", "
                            + count(report.count(dev.cutover.check.Severity.NOTE), "note") + " over "
                            + count(report.tables().stream().mapToLong(CheckReport.TableReport::rowsChecked).sum(), "row")
                            + (report.clean() ? " — clean" : ""));
                    error.set(null);
                    findings.setAll(computeFindings());
                }, e -> {
                    checking.set(false);
                    fail(e);
                });
        BackgroundTasks.onCancelled(task, () -> {
            checking.set(false);
            message.set("Plan check cancelled: the findings listed are the earlier ones.");
        });
    }

    private static String count(long n, String what) {
        return String.format("%,d %s%s", n, what, n == 1 ? "" : "s");
    }

    /** Forgets every verdict and asks the database again (Ctrl+Enter). */
    public void recheck() {
        checker.forget();
        refresh();
        checkDelay.stop();
        checkNow();
    }

    /** Shows what a finding concerns: its table and column. */
    public void focus(Finding f) {
        Plan p = plan.get();
        if (p == null) {
            return;
        }
        for (int i = 0; i < p.tables().size(); i++) {
            TableMapping t = p.tables().get(i);
            if (t.target().table().equals(f.table()) || t.target().toString().equals(f.table())) {
                tableIndex.set(i);
                if (f.targetColumn() != null) {
                    selectedTarget.set(f.targetColumn());
                }
                return;
            }
        }
    }

    /** Old column names of the shown table starting with {@code prefix} (case-insensitive), for completion. */
    public List<String> completions(String prefix) {
        String p = prefix.toLowerCase(java.util.Locale.ROOT);
        return oldTable().map(t -> t.columns().stream().map(Schema.Column::name)
                .filter(c -> c.toLowerCase(java.util.Locale.ROOT).startsWith(p)).toList()).orElse(List.of());
    }

    // ---- schemas ----

    public void loadSchemas() {
        Db o = session.oldDb().get();
        Db n = session.newDb().get();
        if (o != null) {
            tasks.run("Reading the old schema", pr -> read(o), oldSchema::set, this::fail);
        }
        if (n != null) {
            tasks.run("Reading the new schema", pr -> read(n), newSchema::set, this::fail);
        }
    }

    private static Schema read(Db db) throws SQLException {
        try (Connection c = db.connect()) {
            return SchemaReader.read(c);
        }
    }

    // ---- derived state ----

    public TableMapping table() {
        Plan p = plan.get();
        int i = tableIndex.get();
        return p == null || i < 0 || i >= p.tables().size() ? null : p.tables().get(i);
    }

    public Optional<Schema.Table> oldTable() {
        TableMapping t = table();
        return t == null || oldSchema.get() == null ? Optional.empty() : oldSchema.get().table(t.source());
    }

    public Optional<Schema.Table> newTable() {
        TableMapping t = table();
        return t == null || newSchema.get() == null ? Optional.empty() : newSchema.get().table(t.target());
    }

    private String currentExpr() {
        TableMapping t = table();
        String target = selectedTarget.get();
        return t == null || target == null ? "" : t.column(target).map(ColumnMapping::expr).orElse("");
    }

    /** Recomputes grid rows and preview now, and the database's verdicts after the typing pause. */
    private void refresh() {
        rebuildRows();
        renderPreview();
        checkDelay.playFromStart();
    }

    private void rebuildRows() {
        TableMapping t = table();
        List<MappingRow> out = new ArrayList<>();
        if (t != null) {
            List<String> key;
            try {
                key = t.targetKey();
            } catch (IllegalStateException e) {
                key = List.of();
            }
            Optional<Schema.Table> nt = newTable();
            List<String> targets = new ArrayList<>();
            nt.ifPresent(x -> x.columns().forEach(c -> targets.add(c.name())));
            t.columns().stream().map(ColumnMapping::target).filter(c -> !targets.contains(c)).forEach(targets::add);
            for (String target : targets) {
                Optional<Schema.Column> col = nt.flatMap(x -> x.column(target));
                String e = t.column(target).map(ColumnMapping::expr).orElse("");
                MappingRow.Status st;
                String problem = null;
                if (nt.isPresent() && col.isEmpty()) {
                    st = MappingRow.Status.NO_COLUMN;
                } else if (e.isEmpty()) {
                    st = MappingRow.Status.UNMAPPED;
                } else {
                    ExpressionChecker.Verdict v = col.isEmpty() ? ExpressionChecker.Verdict.UNCHECKED
                            : checker.verdict(new ExpressionChecker.Probe(t.source(), col.get(), e));
                    if (v instanceof ExpressionChecker.Verdict.Invalid bad) {
                        st = MappingRow.Status.ERROR;
                        problem = bad.problem();
                    } else if (v instanceof ExpressionChecker.Verdict.Valid) {
                        st = MappingRow.Status.MAPPED;
                    } else {
                        st = MappingRow.Status.CHECKING;
                    }
                }
                out.add(new MappingRow(target, col.map(Schema.Column::type).orElse("?"), key.contains(target), e, st, problem));
            }
        }
        rows.setAll(out);
        findings.setAll(computeFindings());
        showVerdict();
    }

    /** The forward read of the engine and the upsert repair/replay use, exactly as the engine renders them. */
    private void renderPreview() {
        TableMapping t = table();
        if (t == null) {
            preview.set("-- open a plan, or drag an old column onto a new column to start a mapping");
            return;
        }
        if (oldTable().isEmpty() || newTable().isEmpty()) {
            preview.set("-- the preview needs both schemas: connect the old and the new database");
            return;
        }
        if (t.columns().isEmpty()) {
            preview.set("-- no column mapped yet");
            return;
        }
        try {
            String sql = SqlPreview.text(new MappingSql(t, oldTable().get(), newTable().get())).strip();
            lastRendered = t.source() + " " + t.target() + "\u0000" + sql;
            preview.set(sql);
        } catch (RuntimeException e) {
            // mid-typing (an open quote, a half-written call): keep the last SQL of this table and say why below it, so
            // the preview does not jump to a one-line comment and back on every key
            String of = t.source() + " " + t.target() + "\u0000";
            String problem = "-- cannot render this mapping yet: " + Problems.oneLine(e);
            preview.set(lastRendered != null && lastRendered.startsWith(of)
                    ? lastRendered.substring(of.length()) + "\n\n" + problem + " (above: the last SQL that rendered)" : problem);
        }
    }

    /**
     * The quick findings of the whole plan, merged with the last plan check's findings of every
     * table whose mapping is still the one checked (editing one table keeps the dry run's word on
     * the others). A quick finding the check also made (same table, column and severity) is shown
     * once, as the check's, which counts the rows and names their keys. Problems first.
     */
    private List<Finding> computeFindings() {
        Plan p = plan.get();
        if (p == null) {
            return new ArrayList<>();
        }
        List<Finding> checked = new ArrayList<>();
        if (checkReport != null) {
            for (CheckReport.TableReport tr : checkReport.tables()) {
                Optional<TableMapping> now = mapping(p, tr.target());
                if (now.isPresent() && now.equals(mapping(checkedPlan, tr.target()))) {
                    checked.addAll(tr.findings());
                }
            }
        }
        fromCheck.clear();
        fromCheck.addAll(checked);
        return PlanChecks.merge(checked, quickFindings(p));
    }

    private static Optional<TableMapping> mapping(Plan p, String target) {
        return p.tables().stream().filter(t -> t.target().toString().equals(target)).findFirst();
    }

    /**
     * What can be told as you type: the plan check's own catalog checks ({@link PlanChecks#quick},
     * the same {@code StaticChecks}), and the database's verdict on each expression.
     */
    private List<Finding> quickFindings(Plan p) {
        List<Finding> out = new ArrayList<>(PlanChecks.quick(p, oldSchema.get(), newSchema.get()));
        for (TableMapping t : p.tables()) {
            String tn = t.target().toString();
            Optional<Schema.Table> nt = newSchema.get() == null ? Optional.empty() : newSchema.get().table(t.target());
            for (ColumnMapping c : t.columns()) {
                Optional<Schema.Column> col = nt.flatMap(x -> x.column(c.target()));
                if (col.isPresent() && checker.verdict(new ExpressionChecker.Probe(t.source(), col.get(), c.expr()))
                        instanceof ExpressionChecker.Verdict.Invalid bad) {
                    out.add(Finding.of(Severity.PROBLEM, "bad_expression", tn, c.target(), bad.problem()));
                }
            }
        }
        return out;
    }

    /** Whether a listed finding is the full plan check's (dry run included), not one of the checks as you type. */
    public boolean fromCheck(Finding f) {
        return fromCheck.contains(f);
    }

    /** A finding as the list shows it: {@code Problem (plan check) · public.users.email: … — 3 rows, e.g. …}. */
    public String describe(Finding f) {
        String label = switch (f.severity()) {
            case PROBLEM -> "Problem";
            case WARNING -> "Warning";
            case NOTE -> "Note";
        };
        return label + (fromCheck(f) ? " (plan check)" : "") + " · " + f.table()
                + (f.targetColumn() != null ? "." + f.targetColumn() : f.sourceColumn() != null ? " (old column " + f.sourceColumn() + ")" : "")
                + ": " + f.describe();
    }

    private void showVerdict() {
        TableMapping t = table();
        String target = selectedTarget.get();
        String e = currentExpr();
        if (t == null || target == null || e.isEmpty()) {
            exprProblem.set("");
            exprChecking.set(false);
            return;
        }
        Optional<Schema.Column> col = newTable().flatMap(x -> x.column(target));
        ExpressionChecker.Verdict v = col.isEmpty() ? ExpressionChecker.Verdict.UNCHECKED
                : checker.verdict(new ExpressionChecker.Probe(t.source(), col.get(), e));
        exprChecking.set(v instanceof ExpressionChecker.Verdict.Unchecked && col.isPresent());
        exprProblem.set(v instanceof ExpressionChecker.Verdict.Invalid bad ? bad.problem() : "");
    }

    /** Asks the old database about every mapped expression of the shown table not judged yet. */
    private void checkNow() {
        TableMapping t = table();
        Db db = session.oldDb().get();
        Optional<Schema.Table> nt = newTable();
        if (t == null || db == null || nt.isEmpty() || oldTable().isEmpty()) {
            return;
        }
        List<ExpressionChecker.Probe> all = new ArrayList<>();
        for (ColumnMapping c : t.columns()) {
            nt.get().column(c.target()).ifPresent(col -> all.add(new ExpressionChecker.Probe(t.source(), col, c.expr())));
        }
        List<ExpressionChecker.Probe> todo = checker.unchecked(all);
        if (todo.isEmpty()) {
            return;
        }
        long gen = ++generation;
        tasks.run(null, pr -> checker.check(db, todo), results -> {
            if (gen == generation || !results.isEmpty()) {
                rebuildRows();
            }
        }, e -> {
            exprChecking.set(false);
            exprProblem.set("cannot check on the old database: " + Problems.oneLine(e));
        });
    }

    public void close() {
        checker.close();
    }

    // ---- plan edits (pure) ----

    private int indexOf(TableRef oldTable, TableRef newTable) {
        Plan p = plan.get();
        for (int i = 0; i < p.tables().size(); i++) {
            TableMapping t = p.tables().get(i);
            if (t.source().equals(oldTable) && t.target().equals(newTable)) {
                return i;
            }
        }
        return -1;
    }

    private Plan withTable(Plan p, TableRef oldTable, TableRef newTable) {
        List<String> key = oldSchema.get() == null ? List.of()
                : oldSchema.get().table(oldTable).map(Schema.Table::primaryKey).orElse(List.of());
        List<ColumnMapping> cols = new ArrayList<>();
        Optional<Schema.Table> nt = newSchema.get() == null ? Optional.empty() : newSchema.get().table(newTable);
        for (String k : key) {
            if (nt.isEmpty() || nt.get().column(k).isPresent()) {
                cols.add(new ColumnMapping(k, SqlNames.quote(k)));
            }
        }
        List<TableMapping> tables = new ArrayList<>(p.tables());
        tables.add(new TableMapping(oldTable, newTable, key, cols, List.of(), List.of()));
        return new Plan(p.version(), p.name(), tables);
    }

    private static Plan withColumn(Plan p, int index, String target, String expr) {
        TableMapping t = p.tables().get(index);
        List<ColumnMapping> cols = new ArrayList<>();
        boolean done = false;
        for (ColumnMapping c : t.columns()) {
            if (c.target().equals(target)) {
                done = true;
                if (!expr.isBlank()) {
                    cols.add(new ColumnMapping(target, expr));
                }
            } else {
                cols.add(c);
            }
        }
        if (!done && !expr.isBlank()) {
            cols.add(new ColumnMapping(target, expr));
        }
        List<TableMapping> tables = new ArrayList<>(p.tables());
        tables.set(index, new TableMapping(t.source(), t.target(), t.key(), cols, t.dropped(), t.reverse()));
        return new Plan(p.version(), p.name(), tables);
    }

    private void fail(Throwable e) {
        message.set(Problems.oneLine(e));
        error.set(e);
    }

    // ---- properties ----

    /**
     * Where the plan is, for the screen's header: {@code plan.json in /home/dba/migrations} (the
     * folder, so two plans of one name are told apart), "not saved yet", or empty without a plan.
     */
    public StringExpression location() {
        return Bindings.createStringBinding(() -> {
            if (plan.get() == null) {
                return "";
            }
            Path f = file.get();
            if (f == null) {
                return "not saved yet";
            }
            Path abs = f.toAbsolutePath();
            return abs.getFileName() + " in " + (abs.getParent() == null ? "/" : abs.getParent().toString());
        }, plan, file);
    }

    /** "saas-orders — plan.json •" for the window title; "No plan open" without one. */
    public StringExpression title() {
        return Bindings.createStringBinding(() -> {
            Plan p = plan.get();
            if (p == null) {
                return "No plan open";
            }
            return p.name() + " — " + (file.get() == null ? "not saved yet" : file.get().getFileName().toString())
                    + (dirty.get() ? " •" : "");
        }, plan, file, dirty);
    }

    public ObjectProperty<Plan> plan() {
        return plan;
    }

    public ObjectProperty<Path> file() {
        return file;
    }

    public BooleanProperty dirty() {
        return dirty;
    }

    public ObjectProperty<Schema> oldSchema() {
        return oldSchema;
    }

    public ObjectProperty<Schema> newSchema() {
        return newSchema;
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
        return exprProblem;
    }

    public BooleanProperty exprChecking() {
        return exprChecking;
    }

    public StringProperty preview() {
        return preview;
    }

    /**
     * The quick findings made as you type, with the last plan check's for every table still mapped
     * as it was checked (marked: {@link #fromCheck}); problems first.
     */
    public ObservableList<Finding> findings() {
        return findings;
    }

    public StringProperty message() {
        return message;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    /** True while the plan check runs. */
    public BooleanProperty checking() {
        return checking;
    }

    public BooleanProperty canUndo() {
        return canUndo;
    }

    public BooleanProperty canRedo() {
        return canRedo;
    }
}
