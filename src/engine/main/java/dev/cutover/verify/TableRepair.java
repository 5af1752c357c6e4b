package dev.cutover.verify;

/** What repair did to one table: rows written from the truth (inserted or updated) and rows deleted. */
public record TableRepair(String table, long upserted, long deleted) {
}
