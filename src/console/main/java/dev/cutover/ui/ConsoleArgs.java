package dev.cutover.ui;

import java.nio.file.Path;
import java.util.List;

/**
 * The console's command-line arguments: {@code --plan F --old URL --new URL --redis URL}, so the
 * demo command (and a DBA's shell alias) can open it connected. Unknown arguments are an error
 * in words, not a silent ignore.
 */
public record ConsoleArgs(Path plan, String oldUrl, String newUrl, String redisUrl) {

    public static ConsoleArgs none() {
        return new ConsoleArgs(null, null, null, null);
    }

    public static ConsoleArgs parse(List<String> args) {
        Path plan = null;
        String oldUrl = null;
        String newUrl = null;
        String redis = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!List.of("--plan", "--old", "--new", "--redis").contains(name)) {
                throw new IllegalArgumentException("unknown console argument '" + a + "' (expected --plan F, --old URL, --new URL, --redis URL)");
            }
            if (value == null) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args.get(++i);
            }
            switch (name) {
                case "--plan" -> plan = Path.of(value);
                case "--old" -> oldUrl = value;
                case "--new" -> newUrl = value;
                default -> redis = value;
            }
        }
        return new ConsoleArgs(plan, oldUrl, newUrl, redis);
    }
}
