package dev.cutover.ui;

import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;
import javafx.concurrent.Worker;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The console's one place for long work: every database and Redis call runs here, never on the
 * FX thread. Each piece of work is a {@link Task} with a title, progress and cancel; results and
 * errors come back on the FX thread to the callbacks of whoever started it (so errors are shown
 * where they happened). The status bar shows what is running.
 */
public final class BackgroundTasks implements AutoCloseable {
    /** Work done off the FX thread; report progress through {@code progress}. */
    @FunctionalInterface
    public interface Work<T> {
        T call(Progress progress) throws Exception;
    }

    /** Progress reporting and cancel check for a running piece of work. */
    public interface Progress {
        void update(long done, long total, String message);

        boolean isCancelled();
    }

    private final ExecutorService executor;
    private final ObservableList<Task<?>> running = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper("");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(0);

    public BackgroundTasks(ExecutorService executor) {
        this.executor = executor;
    }

    /** A pool of daemon threads named {@code cutover-work-N} (they never keep the JVM alive). */
    public static BackgroundTasks daemonPool() {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "cutover-work-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new BackgroundTasks(Executors.newCachedThreadPool(f));
    }

    /**
     * Starts work; {@code onSuccess}/{@code onFailure} run on the FX thread (failure gets the cause,
     * cancel calls neither). Must be called on the FX thread. A null title runs it quietly (routine
     * polling that the status bar should not list).
     */
    public <T> Task<T> run(String taskTitle, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                Task<T> self = this; // the Progress below must ask the task, not itself
                return work.call(new Progress() {
                    @Override
                    public void update(long done, long total, String message) {
                        updateProgress(done, total);
                        if (message != null) {
                            updateMessage(message);
                        }
                    }

                    @Override
                    public boolean isCancelled() {
                        return self.isCancelled();
                    }
                });
            }
        };
        task.setOnSucceeded(e -> {
            finished(task);
            if (onSuccess != null) {
                onSuccess.accept(task.getValue());
            }
        });
        task.setOnFailed(e -> {
            finished(task);
            if (onFailure != null) {
                onFailure.accept(task.getException());
            }
        });
        task.setOnCancelled(e -> finished(task));
        if (taskTitle != null) {
            task.progressProperty().addListener((o, a, b) -> refresh());
            running.add(task);
            refresh(taskTitle, task);
        }
        if (executor.isShutdown()) {
            // The console is closing (or a test disposed it): a timer that fires late starts nothing.
            task.cancel(false);
            return task;
        }
        executor.execute(task);
        return task;
    }

    /**
     * Runs {@code then} on the FX thread when {@code task} is cancelled (from the status bar's
     * Cancel, or because the console closes): {@link #run} calls neither of its callbacks then, so
     * a screen that shows "checking…" or disables a button until the work ends undoes it here.
     */
    public static void onCancelled(Task<?> task, Runnable then) {
        if (task.getState() == javafx.concurrent.Worker.State.CANCELLED) {
            then.run();
            return;
        }
        task.stateProperty().addListener((o, a, state) -> {
            if (state == javafx.concurrent.Worker.State.CANCELLED) {
                then.run();
            }
        });
    }

    /** Cancels everything running (threads blocked in JDBC are interrupted; their results are dropped). */
    public void cancelAll() {
        for (Task<?> t : running.toArray(new Task<?>[0])) {
            t.cancel(true);
        }
    }

    public ObservableList<Task<?>> running() {
        return FXCollections.unmodifiableObservableList(running);
    }

    public BooleanBinding busy() {
        return Bindings.isNotEmpty(running);
    }

    /** Title of the newest running work, "" when idle. */
    public ReadOnlyStringProperty title() {
        return title.getReadOnlyProperty();
    }

    /** Progress 0..1 of the newest running work, -1 when indeterminate. */
    public ReadOnlyDoubleProperty progress() {
        return progress.getReadOnlyProperty();
    }

    /** Runs {@code r} on the FX thread (now, if already there). */
    public static void fx(Runnable r) {
        if (Platform.isFxApplicationThread()) {
            r.run();
        } else {
            Platform.runLater(r);
        }
    }

    private final java.util.Map<Task<?>, String> titles = new java.util.IdentityHashMap<>();

    private void refresh(String t, Task<?> task) {
        titles.put(task, t);
        refresh();
    }

    private void finished(Task<?> task) {
        running.remove(task);
        titles.remove(task);
        refresh();
    }

    private void refresh() {
        if (running.isEmpty()) {
            title.set("");
            progress.set(0);
            return;
        }
        Task<?> newest = running.get(running.size() - 1);
        String t = titles.getOrDefault(newest, "");
        title.set(running.size() > 1 ? t + " (+" + (running.size() - 1) + " more)" : t);
        progress.set(newest.getState() == Worker.State.RUNNING ? newest.getProgress() : -1);
    }

    @Override
    public void close() {
        cancelAll();
        executor.shutdownNow();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
