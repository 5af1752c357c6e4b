package dev.cutover.pg;

/**
 * The database part of a PostgreSQL URL ({@code jdbc:postgresql://host:port/db?params}, also
 * {@code postgresql://user:password@host/db}, several hosts {@code h1:5432,h2:5433}, IPv6
 * {@code [::1]:5432}): which database it names, and the same server, user and parameters naming
 * another one (a server's maintenance database {@code postgres}, a second database beside the
 * first). As RFC 3986 wants, a {@code /}, {@code ?} or {@code @} inside a user name or password is
 * percent-encoded, so the authority ends at the first {@code /} or {@code ?} after {@code //}.
 */
public final class DbUrl {
    private DbUrl() {
    }

    /** The database the URL names; a URL naming none is refused with its password masked. */
    public static String database(String url) {
        Parts p = parts(url);
        if (p.database.isEmpty()) {
            throw new DbException("the URL must name a database, e.g. jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres (got "
                    + Db.redact(url) + ")");
        }
        return p.database;
    }

    /** The same URL (scheme, user, password, hosts, parameters) naming database {@code db}. */
    public static String withDatabase(String url, String db) {
        Parts p = parts(url);
        return p.server + "/" + db + p.params;
    }

    private record Parts(String server, String database, String params) {
    }

    private static Parts parts(String url) {
        int authority = url.indexOf("//");
        if (authority < 0) {
            throw new DbException("the URL must name a server, e.g. jdbc:postgresql://127.0.0.1:5432/postgres (got " + Db.redact(url) + ")");
        }
        authority += 2;
        int end = authority;
        while (end < url.length() && url.charAt(end) != '/' && url.charAt(end) != '?') {
            end++;
        }
        int q = url.indexOf('?', end);
        String params = q < 0 ? "" : url.substring(q);
        String path = url.substring(end, q < 0 ? url.length() : q);
        String database = path.startsWith("/") ? path.substring(1) : path;
        return new Parts(url.substring(0, end), database, params);
    }
}
