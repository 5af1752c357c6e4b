package dev.cutover.ui;

import dev.cutover.control.GuardCheck;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The engine's messages in the console's words: a hint naming a command-line option or command
 * ({@code --override --reason "why"}, {@code cutover verify --plan F}) becomes the screen and button
 * that do it here. Text without such a hint passes unchanged.
 */
public final class ConsoleWords {
    /** The end of a lost-state message: the command that restores it (ControlStore#restoreCommand). */
    private static final Pattern RESTORE = Pattern.compile("; restore it with: cutover phase \\S+ --override .*$");
    private static final Pattern OVERRIDE = Pattern.compile(" ?\\(to (?:move|set it) anyway: --override --reason [^)]*\\)");

    /** What {@link #of} says where the engine names the command line's override. */
    public static final String OVERRIDE_WORDS = " (Override… asks for a reason)";

    private ConsoleWords() {
    }

    /** {@link #of} without the override hint: for a line shown beside Override… itself. */
    public static String withoutOverrideHint(String message) {
        String words = of(message);
        return words == null ? null : words.replace(OVERRIDE_WORDS, "");
    }

    /** One message of the engine (a refusal, a guard's detail, an error line) in the console's words. */
    public static String of(String message) {
        if (message == null) {
            return null;
        }
        String restored = RESTORE.matcher(message).replaceAll("; Restore… puts it back (it says what first and asks for a reason)");
        return OVERRIDE.matcher(restored).replaceAll(OVERRIDE_WORDS)
                .replace("move there first with cutover phase traffic_shift", "advance to traffic_shift first")
                .replace("(--reason \"why\")", "(Override… asks for one)")
                .replace("(cutover backfill --plan F)", "(run one on the Backfill screen)")
                .replace("(cutover verify --plan F)", "(run one on the Verify screen)")
                .replace("(cutover repair, then cutover verify)", "(Repair all on the Verify screen, then Verify)")
                .replace("; run cutover verify again", "; Verify again on the Verify screen")
                .replace("; shift to 100% first (cutover traffic)", "; shift to 100% first (the read-traffic slider)")
                .replace("no old database (--old)", "no old database (Connect it on the Connections screen)")
                .replace("no new database (--new)", "no new database (Connect it on the Connections screen)")
                .replace("no plan (--plan)", "no plan (open one on the Mappings screen)")
                .replace("(cutover status with --new writes it once the new database is reachable)",
                        "(this screen writes it once the new database is reachable again)");
    }

    /** A guard's check with its detail in the console's words. */
    public static GuardCheck of(GuardCheck g) {
        return new GuardCheck(g.name(), g.ok(), of(g.detail()));
    }

    public static List<GuardCheck> checks(List<GuardCheck> checks) {
        return checks.stream().map(ConsoleWords::of).toList();
    }
}
