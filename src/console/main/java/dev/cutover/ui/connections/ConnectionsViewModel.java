package dev.cutover.ui.connections;

import dev.cutover.ui.BackgroundTasks;
import dev.cutover.ui.ConsoleArgs;
import dev.cutover.ui.Session;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;

/** The Connections screen: one form per endpoint, the saved profiles, save (no passwords). */
public final class ConnectionsViewModel {
    private final ProfileStore store;
    private final ProfileViewModel oldDb;
    private final ProfileViewModel newDb;
    private final ProfileViewModel redis;
    private final ObservableList<ConnectionProfile> saved = FXCollections.observableArrayList();
    private final StringProperty message = new SimpleStringProperty("");

    public ConnectionsViewModel(Session session, BackgroundTasks tasks, ProfileStore store) {
        this.store = store;
        oldDb = new ProfileViewModel(ConnectionProfile.Role.OLD, session, tasks);
        newDb = new ProfileViewModel(ConnectionProfile.Role.NEW, session, tasks);
        redis = new ProfileViewModel(ConnectionProfile.Role.REDIS, session, tasks);
        try {
            saved.setAll(store.load());
        } catch (IllegalStateException e) {
            message.set(e.getMessage());
        }
        for (ProfileViewModel f : forms()) {
            saved.stream().filter(p -> p.role() == f.role()).findFirst().ifPresent(f::load);
        }
    }

    /**
     * Fills the forms from --old/--new/--redis, makes them the session's endpoints right away and
     * tests each in the background, so its card says at once what it reached (server version and
     * latency) or, for a wrong URL, the exact error where it belongs.
     */
    public void apply(ConsoleArgs args) {
        if (args.oldUrl() != null) {
            fill(oldDb, ConnectionUrls.postgres(ConnectionProfile.Role.OLD, args.oldUrl()), args.oldUrl());
        }
        if (args.newUrl() != null) {
            fill(newDb, ConnectionUrls.postgres(ConnectionProfile.Role.NEW, args.newUrl()), args.newUrl());
        }
        if (args.redisUrl() != null) {
            fill(redis, ConnectionUrls.redis(args.redisUrl()), args.redisUrl());
        }
    }

    private static void fill(ProfileViewModel f, ConnectionUrls.Parsed p, String url) {
        f.load(p.profile());
        f.password().set(p.password() == null ? "" : p.password());
        f.use(url);
        f.test();
    }

    public List<ProfileViewModel> forms() {
        return List.of(oldDb, newDb, redis);
    }

    public ProfileViewModel oldDb() {
        return oldDb;
    }

    public ProfileViewModel newDb() {
        return newDb;
    }

    public ProfileViewModel redis() {
        return redis;
    }

    /** Saved profiles of one role, for the form's chooser. */
    public List<ConnectionProfile> saved(ConnectionProfile.Role role) {
        return saved.stream().filter(p -> p.role() == role).toList();
    }

    public ObservableList<ConnectionProfile> saved() {
        return saved;
    }

    /** Saves every form that has a name as a profile (replacing one of the same role and name). No passwords. */
    public void save() {
        List<ConnectionProfile> out = new ArrayList<>(saved);
        try {
            for (ProfileViewModel f : forms()) {
                if (f.name().get().isBlank()) {
                    continue;
                }
                ConnectionProfile p = f.profile();
                out.removeIf(x -> x.role() == p.role() && x.name().equals(p.name()));
                out.add(p);
            }
            store.save(out);
            saved.setAll(out);
            message.set("Saved " + out.size() + " profiles to " + store.file() + " (passwords are never saved)");
        } catch (RuntimeException e) {
            message.set(dev.cutover.ui.Problems.oneLine(e));
        }
    }

    /** Tests all three endpoints. */
    public void testAll() {
        forms().forEach(ProfileViewModel::test);
    }

    public StringProperty message() {
        return message;
    }
}
