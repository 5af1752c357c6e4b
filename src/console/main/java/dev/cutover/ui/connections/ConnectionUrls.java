package dev.cutover.ui.connections;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a JDBC or Redis URL given on the command line back into a profile plus its in-memory password. */
public final class ConnectionUrls {
    /** A profile and the password the URL carried (null when none). */
    public record Parsed(ConnectionProfile profile, String password) {
    }

    private ConnectionUrls() {
    }

    public static Parsed postgres(ConnectionProfile.Role role, String url) {
        String prefix = "jdbc:postgresql://";
        if (url == null || !url.startsWith(prefix)) {
            throw new IllegalArgumentException("the " + role.label().toLowerCase() + " URL must start with " + prefix);
        }
        String rest = url.substring(prefix.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        String db = slash < 0 ? "" : dec(rest.substring(slash + 1));
        String host = hostPort;
        int port = 5432;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && !hostPort.endsWith("]")) {
            host = hostPort.substring(0, colon);
            port = Integer.parseInt(hostPort.substring(colon + 1));
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (String kv : query.split("&")) {
            if (!kv.isEmpty()) {
                int eq = kv.indexOf('=');
                params.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : dec(kv.substring(eq + 1)));
            }
        }
        String user = params.getOrDefault("user", System.getProperty("user.name"));
        String name = host + "/" + db;
        return new Parsed(new ConnectionProfile(role, name, host, port, db, user, params.getOrDefault("sslmode", "prefer")),
                params.get("password"));
    }

    public static Parsed redis(String url) {
        java.net.URI u;
        try {
            u = new java.net.URI(url);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("the Redis URL is not a valid URL: " + e.getMessage());
        }
        if (!"redis".equals(u.getScheme()) && !"rediss".equals(u.getScheme()) || u.getHost() == null) {
            throw new IllegalArgumentException("the Redis URL must look like redis://host:port or rediss://host:port");
        }
        String user = "";
        String pw = null;
        if (u.getRawUserInfo() != null) {
            String info = u.getRawUserInfo();
            int colon = info.indexOf(':');
            user = colon < 0 ? "" : dec(info.substring(0, colon));
            pw = dec(colon < 0 ? info : info.substring(colon + 1));
        }
        int port = u.getPort() < 0 ? 6379 : u.getPort();
        String db = u.getPath() == null || u.getPath().length() <= 1 ? "0" : u.getPath().substring(1);
        return new Parsed(new ConnectionProfile(ConnectionProfile.Role.REDIS, u.getHost() + ":" + port, u.getHost(), port,
                db, user, "rediss".equals(u.getScheme()) ? "tls" : "none"), pw);
    }

    private static String dec(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
