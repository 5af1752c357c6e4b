package dev.cutover.control;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Who changes the state, as written to the audit stream: OS user and host. */
public record Actor(String user, String host) {

    /** The OS user running this process on this host. */
    public static Actor current() {
        return new Actor(System.getProperty("user.name", "unknown"), hostName());
    }

    /** The automatic ramp-down, {@code watchdog@HOST}. */
    public static Actor watchdog() {
        return new Actor("watchdog", hostName());
    }

    /** {@code user@host}. */
    public String who() {
        return user + "@" + host;
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
