package dev.cutover.cli;

import dev.cutover.io.Secrets;
import dev.cutover.pg.Db;
import picocli.CommandLine.Option;

/** The {@code --old}, {@code --new}, {@code --redis} options with their environment fallbacks (a picocli mixin). */
public final class Connections {
    @Option(names = "--old", paramLabel = "URL", description = "JDBC URL of the old database (default: $CUTOVER_OLD_URL)")
    String oldUrl;

    @Option(names = "--new", paramLabel = "URL", description = "JDBC URL of the new database (default: $CUTOVER_NEW_URL)")
    String newUrl;

    @Option(names = "--redis", paramLabel = "URL", description = "redis:// or rediss:// URL of the control state (default: $CUTOVER_REDIS_URL)")
    String redisUrl;

    public Db oldDb() {
        return new Db("old database", pick(oldUrl, "CUTOVER_OLD_URL"));
    }

    public Db newDb() {
        return new Db("new database", pick(newUrl, "CUTOVER_NEW_URL"));
    }

    /** The old database, or null when neither --old nor CUTOVER_OLD_URL is given. */
    public Db oldDbIfGiven() {
        String url = pick(oldUrl, "CUTOVER_OLD_URL");
        return url == null || url.isBlank() ? null : oldDb();
    }

    /** The new database, or null when neither --new nor CUTOVER_NEW_URL is given. */
    public Db newDbIfGiven() {
        String url = pick(newUrl, "CUTOVER_NEW_URL");
        return url == null || url.isBlank() ? null : newDb();
    }

    public String redisUrl() {
        String url = pick(redisUrl, "CUTOVER_REDIS_URL");
        if (url == null || url.isBlank()) {
            throw new UserError("no Redis URL given (use --redis or CUTOVER_REDIS_URL)");
        }
        if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
            throw new UserError("the Redis URL must start with redis:// or rediss:// (got " + Secrets.maskUrl(url) + ")");
        }
        return url;
    }

    /** True when {@code --redis} or {@code CUTOVER_REDIS_URL} is given (an empty one too: {@link #redisUrl} then says what is wrong). */
    public boolean redisGiven() {
        return redisUrl != null || System.getenv("CUTOVER_REDIS_URL") != null;
    }

    /** {@link #redisUrl} when given, else null: for the commands to which Redis is optional. */
    public String redisUrlIfGiven() {
        return redisGiven() ? redisUrl() : null;
    }

    private static String pick(String flag, String env) {
        return flag != null ? flag : System.getenv(env);
    }
}
