package dev.cutover.work;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Leases among the threads of one process (a run without Redis). */
public final class LocalLeases implements Leases {
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final String workerId;

    public LocalLeases(String workerId) {
        this.workerId = workerId;
    }

    @Override
    public boolean tryAcquire(String id) {
        return held.add(id);
    }

    @Override
    public void release(String id) {
        held.remove(id);
    }

    @Override
    public boolean shared() {
        return false;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public void close() {
        held.clear();
    }
}
