package dev.cutover.work;

import dev.cutover.sql.Flow;

/** One table of a chunked job: its name in the ledger and events, and the flow whose from-side keys are chunked. */
public record JobTable(String name, Flow flow) {
}
