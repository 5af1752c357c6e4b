package dev.cutover.route;

import dev.cutover.control.ControlKeys;
import dev.cutover.control.MetricsWriter;
import dev.cutover.control.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.LongAdder;

/**
 * The router's metrics, written by the control plane's {@link MetricsWriter} (per-second bucket
 * hashes, flushed once a second off the request path). The writer needs a connected
 * {@link RedisLink}; a router that starts while Redis is down opens it on a later tick, and
 * events before that are counted in {@link #droppedBeforeRedis} instead.
 */
final class RouterMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterMetrics.class);

    private final String redisUrl;
    private final ControlKeys keys;
    private volatile MetricsWriter writer;
    private RedisLink link;
    final LongAdder droppedBeforeRedis = new LongAdder();

    RouterMetrics(String redisUrl, ControlKeys keys) {
        this.redisUrl = redisUrl;
        this.keys = keys;
    }

    /** Opens the writer if it is not open yet (called on the router's tick, off the request path). */
    synchronized void ensureOpen() {
        if (writer != null) {
            return;
        }
        try {
            link = RedisLink.open(redisUrl);
            writer = new MetricsWriter(link, keys);
        } catch (RuntimeException e) {
            LOG.debug("metrics writer not open yet: {}", e.getMessage());
        }
    }

    void read(boolean newSide, long micros, boolean error) {
        MetricsWriter w = writer;
        if (w == null) {
            droppedBeforeRedis.increment();
        } else {
            w.read(newSide, micros, error);
        }
    }

    void compared(String query, boolean mismatch) {
        MetricsWriter w = writer;
        if (w == null) {
            droppedBeforeRedis.increment();
        } else {
            w.compared(query, mismatch);
        }
    }

    void shadowError() {
        MetricsWriter w = writer;
        if (w == null) {
            droppedBeforeRedis.increment();
        } else {
            w.shadowError();
        }
    }

    void mirrorWrite(boolean failed) {
        MetricsWriter w = writer;
        if (w == null) {
            droppedBeforeRedis.increment();
        } else {
            w.mirrorWrite(failed);
        }
    }

    void queueDepth(long depth) {
        MetricsWriter w = writer;
        if (w != null) {
            w.queueDepth(depth);
        }
    }

    void replayLagMs(long ms) {
        MetricsWriter w = writer;
        if (w != null) {
            w.replayLagMs(ms);
        }
    }

    /** Flushes what is pending and closes the writer's connection. */
    @Override
    public synchronized void close() {
        if (writer != null) {
            writer.close();
            link.close();
            writer = null;
        }
    }
}
