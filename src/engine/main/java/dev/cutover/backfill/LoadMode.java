package dev.cutover.backfill;

/** How a chunk's rows enter the target table. */
public enum LoadMode {
    /**
     * COPY straight into the target inside a savepoint; if any key of the chunk is already there the
     * COPY fails as a whole (unique violation), is rolled back, and the table switches to STAGING.
     * Never overwrites a row; as fast as a plain COPY while the target range is empty.
     */
    AUTO,
    /** Always COPY into a session staging table, then INSERT … ON CONFLICT (key) DO NOTHING. */
    STAGING
}
