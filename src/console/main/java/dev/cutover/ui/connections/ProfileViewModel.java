package dev.cutover.ui.connections;

import dev.cutover.pg.Db;
import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.Health;
import dev.cutover.ui.Session;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The form of one endpoint (old database, new database or Redis): its fields, the in-memory
 * password, and the Test / Connect commands. Connect makes it the session's endpoint.
 */
public final class ProfileViewModel {
    private final ConnectionProfile.Role role;
    private final Session session;
    /** The card's URL when it was made the session's endpoint: a test of anything else leaves the status bar alone. */
    private String inSession;
    private final BackgroundTasks tasks;
    private final StringProperty name = new SimpleStringProperty("");
    private final StringProperty host = new SimpleStringProperty("");
    private final StringProperty port = new SimpleStringProperty("");
    private final StringProperty database = new SimpleStringProperty("");
    private final StringProperty user = new SimpleStringProperty("");
    private final StringProperty ssl = new SimpleStringProperty("");
    /** Kept in memory only; blank means PGPASSWORD / ~/.pgpass (PostgreSQL) or none (Redis). */
    private final StringProperty password = new SimpleStringProperty("");
    private final StringProperty result = new SimpleStringProperty("");
    private final BooleanProperty ok = new SimpleBooleanProperty(false);
    private final ObjectProperty<Throwable> error = new SimpleObjectProperty<>();
    private final BooleanProperty testing = new SimpleBooleanProperty(false);

    public ProfileViewModel(ConnectionProfile.Role role, Session session, BackgroundTasks tasks) {
        this.role = role;
        this.session = session;
        this.tasks = tasks;
        load(ConnectionProfile.blank(role));
    }

    public ConnectionProfile.Role role() {
        return role;
    }

    public void load(ConnectionProfile p) {
        name.set(p.name());
        host.set(p.host());
        port.set(Integer.toString(p.port()));
        database.set(p.database());
        user.set(p.user());
        ssl.set(p.ssl());
    }

    /** The profile as the form shows it; a bad port is an error in words. */
    public ConnectionProfile profile() {
        int p;
        try {
            p = Integer.parseInt(port.get().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(role.label() + ": port must be a number, got '" + port.get() + "'");
        }
        if (host.get().isBlank()) {
            throw new IllegalArgumentException(role.label() + ": host is empty");
        }
        if (role.postgres() && database.get().isBlank()) {
            throw new IllegalArgumentException(role.label() + ": database is empty");
        }
        return new ConnectionProfile(role, name.get().strip(), host.get().strip(), p, database.get().strip(),
                user.get().strip(), ssl.get());
    }

    public String url() {
        return profile().url(password.get());
    }

    /** Tests the connection in the background and shows version and latency or the error line. */
    public void test() {
        run(false);
    }

    /** Tests, and on success makes this the session's endpoint. */
    public void connect() {
        run(true);
    }

    private void run(boolean use) {
        String url;
        try {
            url = url();
        } catch (IllegalArgumentException e) {
            show(new ConnectionTester.Result(false, e.getMessage(), e));
            return;
        }
        testing.set(true);
        result.set("Testing…");
        error.set(null);
        var task = tasks.run("Testing " + role.label().toLowerCase(), p -> role.postgres()
                ? ConnectionTester.postgres(role, url) : ConnectionTester.redis(url), r -> {
                    show(r);
                    testing.set(false);
                    if (use && r.ok()) {
                        use(url);
                    }
                    // Test touches nothing but its own card: the status bar shows the session's
                    // endpoint, so it learns from this result only when that is what was tested
                    if (url.equals(inSession)) {
                        health().set(r.ok() ? Health.up(r.text()) : Health.down(r.text()));
                    }
                }, e -> {
                    show(new ConnectionTester.Result(false, dev.cutover.ui.Problems.oneLine(e), e));
                    testing.set(false);
                });
        BackgroundTasks.onCancelled(task, () -> {
            testing.set(false);
            result.set("Test cancelled");
        });
    }

    /** Makes {@code url} this role's endpoint in the session (no test). */
    public void use(String url) {
        try {
            inSession = url();   // the card as it stands names that endpoint (it was filled from it, or tested with it)
        } catch (IllegalArgumentException e) {
            inSession = null;
        }
        switch (role) {
            case OLD -> session.oldDb().set(new Db("old database", url));
            case NEW -> session.newDb().set(new Db("new database", url));
            case REDIS -> session.redisUrl().set(url);
        }
    }

    private ObjectProperty<Health> health() {
        return switch (role) {
            case OLD -> session.oldHealth();
            case NEW -> session.newHealth();
            case REDIS -> session.redisHealth();
        };
    }

    private void show(ConnectionTester.Result r) {
        ok.set(r.ok());
        result.set(r.text());
        error.set(r.error());
    }

    public StringProperty name() {
        return name;
    }

    public StringProperty host() {
        return host;
    }

    public StringProperty port() {
        return port;
    }

    public StringProperty database() {
        return database;
    }

    public StringProperty user() {
        return user;
    }

    public StringProperty ssl() {
        return ssl;
    }

    public StringProperty password() {
        return password;
    }

    public StringProperty result() {
        return result;
    }

    public BooleanProperty ok() {
        return ok;
    }

    public ObjectProperty<Throwable> error() {
        return error;
    }

    public BooleanProperty testing() {
        return testing;
    }
}
