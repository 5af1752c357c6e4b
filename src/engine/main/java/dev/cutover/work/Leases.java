package dev.cutover.work;

/**
 * Who works on which chunk. A worker takes a chunk's lease before working on it; a lease held by a
 * live worker keeps others off the chunk, and one whose worker died expires so another worker takes
 * the chunk over. Correctness never depends on leases alone: a chunk's work commits together with
 * its "done" mark in the ledger, once, whoever does it.
 */
public interface Leases extends AutoCloseable {
    /** Takes the lease of {@code id} unless another live worker holds it. */
    boolean tryAcquire(String id);

    /** Gives the lease back (after the chunk is done or failed). */
    void release(String id);

    /** True when leases are shared with other processes (Redis), false for one process. */
    boolean shared();

    /** This worker's id (host, pid, random), as recorded in the ledger. */
    String workerId();

    @Override
    void close();
}
