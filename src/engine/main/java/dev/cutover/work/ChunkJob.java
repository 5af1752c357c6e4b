package dev.cutover.work;

import java.sql.Connection;
import java.util.List;

/**
 * A job done chunk by chunk over the key ranges of some flows (backfill copies a chunk, verify
 * compares one). {@link ChunkRunner} cuts the chunks, hands them to workers under leases, throttles,
 * retries and reports progress; the job says what one chunk's work is.
 */
public interface ChunkJob {
    /** The job's name in the ledger and in Redis keys: "backfill", "verify". */
    String name();

    /** The migration the job belongs to. */
    String migration();

    List<JobTable> tables();

    /** A worker's own connections and chunk processor (one per worker thread). */
    Session openSession(int worker);

    /** A connection to the checkpoint database (auto-commit off), for preparing runs and reporting. */
    Connection openLedgerConnection();

    /** One worker's connections and the work of one chunk. */
    interface Session extends AutoCloseable {
        /** Connection to the side whose keys are chunked (auto-commit off). */
        Connection from();

        /** Connection to the checkpoint database (auto-commit off). */
        Connection ledger();

        /**
         * Does the chunk's work and calls {@link ChunkLedger#markDone} in the same transaction, then
         * commits. Returns the rows processed, or −1 when the chunk turned out done already (rolled back).
         * Throws {@link FatalChunkError} for failures a retry won't cure; anything else is retried.
         */
        long process(JobTable table, Chunk chunk) throws Exception;

        /** Drops and reopens the connections (after a failure). */
        void reconnect();

        @Override
        void close();
    }
}
