package dev.cutover.ui;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.sync.RedisCommands;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The workers of a chunked run (backfill, verify) as Redis sees them: who holds chunk leases now
 * ({@code ControlKeys.workLease(job, …)}, value the worker id), this console's own worker listed
 * first while it runs, even between two chunks. The Backfill and Verify screens both poll it; the
 * Redis part runs off the FX thread, {@link #show} on it.
 */
public final class LeaseHolders {
    /** One worker: its id ({@code host:pid:random}), the chunk leases it holds now, and whether it is this console. */
    public record Worker(String id, int leases, boolean local) {
    }

    private final ObservableList<Worker> workers = FXCollections.observableArrayList();

    /**
     * Off the FX thread: the chunk leases per holder among the keys matching {@code pattern}
     * (a lease gone between the scan and the read is not counted), by worker id.
     */
    public static Map<String, Integer> scan(RedisCommands<String, String> redis, String pattern) {
        List<String> keys = new ArrayList<>();
        ScanIterator<String> it = ScanIterator.scan(redis, ScanArgs.Builder.matches(pattern).limit(500));
        while (it.hasNext()) {
            keys.add(it.next());
        }
        Map<String, Integer> holders = new TreeMap<>();
        for (int i = 0; i < keys.size(); i += 500) {
            for (KeyValue<String, String> kv : redis.mget(keys.subList(i, Math.min(keys.size(), i + 500)).toArray(new String[0]))) {
                if (kv.hasValue()) {
                    holders.merge(kv.getValue(), 1, Integer::sum);
                }
            }
        }
        return holders;
    }

    /** On the FX thread: the holders {@link #scan} found, {@code local} (this console's worker id, or null) first. */
    public void show(Map<String, Integer> holders, String local) {
        Map<String, Worker> w = new LinkedHashMap<>();
        if (local != null) {
            w.put(local, new Worker(local, holders.getOrDefault(local, 0), true));
        }
        holders.forEach((id, n) -> w.putIfAbsent(id, new Worker(id, n, false)));
        workers.setAll(w.values());
    }

    public ObservableList<Worker> workers() {
        return workers;
    }

    /** The workers as a table (id, leases, where), the same on every screen that lists them. */
    public static TableView<Worker> table(ObservableList<Worker> workers, String id, String placeholder) {
        TableView<Worker> t = new TableView<>(workers);
        t.setId(id);
        t.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        Label empty = new Label(placeholder);
        empty.setWrapText(true); // a narrow table shows the whole sentence
        t.setPlaceholder(empty);
        t.getColumns().add(Views.tooltipColumn("Worker", 160, Worker::id)); // host:pid:id, whole in the cell's tooltip
        t.getColumns().add(Views.column("Leases", 60, w -> Integer.toString(w.leases())));
        t.getColumns().add(Views.column("Where", 90, w -> w.local() ? "this console" : "remote"));
        Views.headersWhole(t);
        return t;
    }
}
