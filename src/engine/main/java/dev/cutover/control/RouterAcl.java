package dev.cutover.control;

import java.util.List;

/**
 * The least-privilege Redis ACL of an application's router user for one migration: it may read
 * the whole control state and follow the change channel, write only its heartbeat (and the mark that a router reported), the metric
 * buckets, the failed-write queue, the mismatch samples and the routing keys it saw, and never
 * change the state itself.
 * {@code ACL SETUSER <user> on ><password> } followed by {@link #rules}; docs/control.md shows
 * it rendered.
 */
public final class RouterAcl {
    private RouterAcl() {
    }

    /** The commands a router uses (connection, state, follow, heartbeat, metrics, failed writes). */
    public static final List<String> COMMANDS = List.of(
            // connection set-up by the client library (Redis 7.2+: Lettuce also tries CLIENT SETINFO; a refusal is harmless)
            "+ping", "+hello", "+auth", "+client|setname",
            // read and follow the state
            "+get", "+mget", "+time", "+subscribe", "+unsubscribe", "+xrange", "+xrevrange", "+scan", "+hgetall",
            // heartbeat (DEL on shutdown)
            "+hset", "+expire", "+pexpire", "+del",
            // metrics buckets (a Lua script of HINCRBY, HGET, HSET, EXPIRE)
            "+evalsha", "+eval", "+hincrby", "+hget",
            // failed-write queue and its replay (consumer group)
            "+xadd", "+xlen", "+xreadgroup", "+xack", "+xdel", "+xgroup|create", "+xautoclaim", "+xpending", "+xclaim",
            // shadow mismatch samples (capped list)
            "+lpush", "+ltrim",
            // routing keys seen (a Lua script of ZADD, ZREMRANGEBYSCORE, ZCARD, ZREMRANGEBYRANK, PEXPIRE)
            "+zadd", "+zremrangebyscore", "+zcard", "+zremrangebyrank");

    /** The rules after {@code ACL SETUSER user on >password}. */
    public static List<String> rules(ControlKeys keys) {
        String p = ControlStore.globEscape(keys.prefix());
        List<String> out = new java.util.ArrayList<>(List.of("resetkeys", "resetchannels", "-@all"));
        out.addAll(COMMANDS);
        out.add("%R~" + p + "*");
        out.add("~" + p + "router:*");
        out.add("~" + escape(keys.routersSeen()));
        out.add("~" + p + "metrics:*");
        out.add("~" + escape(keys.failedWrites()));
        out.add("~" + escape(keys.mismatchSamples()));
        out.add("~" + escape(keys.routingKeys()));
        out.add("&" + escape(keys.changes()));
        return out;
    }

    /** The whole command line, e.g. for the docs: {@code ACL SETUSER cutover-router on >PASSWORD …}. */
    public static String setUser(String user, ControlKeys keys) {
        return "ACL SETUSER " + user + " on >PASSWORD " + String.join(" ", rules(keys));
    }

    private static String escape(String s) {
        return ControlStore.globEscape(s);
    }
}
