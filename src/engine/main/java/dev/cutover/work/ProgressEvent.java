package dev.cutover.work;

import java.time.Instant;
import java.util.List;

/** What a chunked job reports every progress interval and once at the end ({@code finished}). */
public record ProgressEvent(String job, Instant at, List<TableProgress> tables, TableProgress total,
                            Throttle.State throttle, boolean finished) {
}
