package dev.cutover.work;

import java.net.InetAddress;
import java.util.UUID;

/** The id a worker process records in the ledger and in its leases: {@code host:pid:random}. */
public final class WorkerId {
    private WorkerId() {
    }

    public static String generate() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (Exception e) {
                host = "host";
            }
        }
        return host + ":" + ProcessHandle.current().pid() + ":" + UUID.randomUUID().toString().substring(0, 4);
    }
}
