package dev.cutover.demo;

import dev.cutover.cli.UserError;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of {@code sample-projects/saas-orders}: both schemas and both plans. Found under the
 * working directory, else beside the jar or classes directory ({@code target/..}), else under
 * {@code $CUTOVER_HOME}, so the demo works from the repository and from an unpacked release.
 */
public record SampleProject(Path dir) {
    public static final String RELATIVE = "sample-projects/saas-orders";

    /** Locates the sample project, or fails naming every place it looked. */
    public static SampleProject locate() {
        List<Path> candidates = new ArrayList<>();
        candidates.add(Path.of("").toAbsolutePath().resolve(RELATIVE));
        codeHome().ifPresent(h -> candidates.add(h.resolve(RELATIVE)));
        String home = System.getenv("CUTOVER_HOME");
        if (home != null && !home.isBlank()) {
            candidates.add(Path.of(home).resolve(RELATIVE));
        }
        for (Path p : candidates) {
            if (Files.isRegularFile(p.resolve("plan.json"))) {
                return new SampleProject(p.normalize());
            }
        }
        throw new UserError("sample project not found (looked in " + String.join(", ", candidates.stream().map(Path::toString).toList())
                + "); run from the Cutover directory or set CUTOVER_HOME");
    }

    /** The directory two levels above this class's jar or classes directory ({@code target/cutover.jar} → the repository). */
    private static java.util.Optional<Path> codeHome() {
        try {
            var src = SampleProject.class.getProtectionDomain().getCodeSource();
            if (src == null) {
                return java.util.Optional.empty();
            }
            Path p = Path.of(src.getLocation().toURI());
            Path target = p.getParent();
            return target == null || target.getParent() == null ? java.util.Optional.empty() : java.util.Optional.of(target.getParent());
        } catch (URISyntaxException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    public Path oldSchema() {
        return dir.resolve("old-schema.sql");
    }

    public Path newSchema() {
        return dir.resolve("new-schema.sql");
    }

    /** The correct plan. */
    public Path plan() {
        return dir.resolve("plan.json");
    }

    /** The naive plan the plan check must find problems in. */
    public Path naivePlan() {
        return dir.resolve("plan-naive.json");
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserError("cannot read " + file + ": " + e.getMessage());
        }
    }
}
