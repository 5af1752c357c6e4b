package dev.cutover.ui.connections;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A named connection profile, saved in the user's config dir (never in the plan, never with a
 * password). {@code role} is old, new or redis; {@code ssl} is the PostgreSQL sslmode
 * (disable, prefer, require, verify-ca, verify-full) or, for Redis, "tls" / "none".
 */
public record ConnectionProfile(Role role, String name, String host, int port, String database, String user, String ssl) {

    public enum Role {
        OLD("Old database"), NEW("New database"), REDIS("Redis");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public boolean postgres() {
            return this != REDIS;
        }
    }

    public static ConnectionProfile blank(Role role) {
        return role.postgres()
                ? new ConnectionProfile(role, "", "localhost", 5432, "", "postgres", "prefer")
                : new ConnectionProfile(role, "", "localhost", 6379, "0", "", "none");
    }

    /** The URL for this profile, with {@code password} (kept in memory only) when given. */
    public String url(String password) {
        boolean pw = password != null && !password.isEmpty();
        if (role.postgres()) {
            StringBuilder u = new StringBuilder("jdbc:postgresql://").append(host).append(':').append(port).append('/')
                    .append(enc(database)).append("?user=").append(enc(user));
            if (ssl != null && !ssl.isBlank()) {
                u.append("&sslmode=").append(enc(ssl));
            }
            if (pw) {
                u.append("&password=").append(enc(password));
            }
            return u.toString();
        }
        String auth = pw ? (user == null || user.isBlank() ? "" : enc(user)) + ":" + enc(password) + "@" : "";
        String db = database == null || database.isBlank() ? "" : "/" + database.strip();
        return ("tls".equals(ssl) ? "rediss://" : "redis://") + auth + host + ":" + port + db;
    }

    /** Where it points, for lists and messages: {@code postgres@db1:5432/shop}. */
    public String summary() {
        return role.postgres() ? user + "@" + host + ":" + port + "/" + database : host + ":" + port + "/" + database;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
