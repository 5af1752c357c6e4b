package dev.cutover.ui.connections;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cutover.io.PrivateFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Connection profiles in a JSON file of the user's config dir ({@code $XDG_CONFIG_HOME/cutover/profiles.json},
 * default {@code ~/.config/cutover/profiles.json}), outside any plan. The record has no password
 * field, so a password cannot be written.
 */
public final class ProfileStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** The file's content. */
    public record Profiles(int version, List<ConnectionProfile> profiles) {
        public Profiles {
            profiles = profiles == null ? List.of() : List.copyOf(profiles);
        }
    }

    private final Path file;

    public ProfileStore(Path file) {
        this.file = file;
    }

    public static ProfileStore user() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path dir = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return new ProfileStore(dir.resolve("cutover").resolve("profiles.json"));
    }

    public Path file() {
        return file;
    }

    public List<ConnectionProfile> load() {
        try {
            return JSON.readValue(Files.readString(file), Profiles.class).profiles();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot read connection profiles: " + e.getMessage(), e);
        }
    }

    public void save(List<ConnectionProfile> profiles) {
        try {
            // owner-only (0600 in a 0700 folder): hosts, users and database names are nobody else's business
            PrivateFiles.writeAtomically(file, JSON.writeValueAsString(new Profiles(1, profiles)) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(file + ": cannot write connection profiles: " + e.getMessage(), e);
        }
    }
}
