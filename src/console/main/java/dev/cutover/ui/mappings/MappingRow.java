package dev.cutover.ui.mappings;

/**
 * One line of the mapping grid: a column of the new table, its type, whether it is a key, the
 * expression that fills it ("" when unmapped) and its status in words.
 */
public record MappingRow(String target, String type, boolean key, String expr, Status status, String problem) {
    public enum Status {
        MAPPED("mapped"), UNMAPPED("unmapped"), CHECKING("checking…"), ERROR("error"), NO_COLUMN("no such column");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public String statusText() {
        return problem == null || problem.isEmpty() ? status.label() : status.label() + ": " + problem;
    }
}
