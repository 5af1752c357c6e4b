package dev.cutover.work;

/** Receives progress events (on the job's reporter thread; the console hops to its own thread). */
@FunctionalInterface
public interface ProgressListener {
    void onProgress(ProgressEvent event);

    ProgressListener NONE = e -> { };
}
