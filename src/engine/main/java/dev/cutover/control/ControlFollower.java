package dev.cutover.control;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Follows a migration's control state as it changes, for the console: subscribes to the change
 * channel and delivers every state in version order, each once. A gap (a dropped connection, a
 * missed message) is filled from the audit stream, which holds the state each change produced,
 * so the listener still sees every change in order; after every reconnect and every
 * {@code refreshMillis} it catches up from the version counter. If Redis lost the state, the
 * listener is told instead of being handed an older version.
 */
public final class ControlFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlFollower.class);

    /** Receives the states, on the follower's own thread, one at a time. */
    public interface Listener {
        void changed(ControlState state);

        /** Redis lost the state (see {@link ControlView#lost}). */
        default void lost(String reason) {
        }

        /** The subscription connection went down (false) or came back (true). */
        default void connection(boolean up) {
        }
    }

    private final ControlStore store;
    private final Listener listener;
    private final ExecutorService deliver;
    private final ScheduledExecutorService refresh;
    private final StatefulRedisPubSubConnection<String, String> pubsub;
    private final RedisConnectionStateListener connectionListener;
    private volatile long delivered = -1;
    private volatile boolean closed;

    private ControlFollower(ControlStore store, Listener listener, long refreshMillis) {
        this.store = store;
        this.listener = listener;
        this.deliver = Executors.newSingleThreadExecutor(daemon("cutover-follow"));
        this.refresh = Executors.newSingleThreadScheduledExecutor(daemon("cutover-follow-refresh"));
        this.pubsub = store.link().connectPubSub();
        pubsub.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                submit(() -> onMessage(message));
            }
        });
        this.connectionListener = new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
                if (connection == pubsub) {
                    submit(() -> {
                        listener.connection(true);
                        catchUp();
                    });
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
                if (connection == pubsub) {
                    submit(() -> listener.connection(false));
                }
            }
        };
        store.link().addListener(connectionListener);
        pubsub.sync().subscribe(store.keys().changes());
        submit(this::catchUp);
        refresh.scheduleWithFixedDelay(() -> submit(this::catchUp), refreshMillis, refreshMillis, TimeUnit.MILLISECONDS);
    }

    /** Starts following: the listener first gets the current state, then every change. */
    public static ControlFollower start(ControlStore store, Listener listener) {
        return new ControlFollower(store, listener, 5000);
    }

    public static ControlFollower start(ControlStore store, Listener listener, long refreshMillis) {
        return new ControlFollower(store, listener, refreshMillis);
    }

    /** The version last delivered (-1 before the first). */
    public long version() {
        return delivered;
    }

    private void onMessage(String json) {
        ControlState s;
        try {
            s = ControlStateCodec.fromJson(json);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring a bad change message: {}", e.getMessage());
            return;
        }
        if (s.version() <= delivered) {
            return;
        }
        if (delivered >= 0 && s.version() > delivered + 1) {
            catchUp();
        }
        if (s.version() > delivered) {
            deliver(s);
        }
    }

    /** Delivers every change after the last delivered version, from the audit stream, then the current state. */
    private void catchUp() {
        try {
            ControlView view = store.view();
            if (view.isLost()) {
                listener.lost(view.lost());
                return;
            }
            ControlState now = view.state();
            if (delivered < 0) {
                deliver(now);
                return;
            }
            if (now.version() <= delivered) {
                return;
            }
            for (AuditEntry e : store.auditAfter(delivered)) {
                ControlState s = e.state();
                if (s != null && s.version() == delivered + 1 && s.version() <= now.version()) {
                    deliver(s);
                }
            }
            if (now.version() > delivered) {
                deliver(now);
            }
        } catch (RuntimeException e) {
            LOG.debug("catch-up failed (will retry): {}", e.getMessage());
        }
    }

    private void deliver(ControlState s) {
        delivered = s.version();
        try {
            listener.changed(s);
        } catch (RuntimeException e) {
            LOG.warn("control-state listener failed: {}", e.toString());
        }
    }

    private void submit(Runnable r) {
        if (closed) {
            return;
        }
        try {
            deliver.execute(r);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        closed = true;
        store.link().removeListener(connectionListener);
        refresh.shutdownNow();
        deliver.shutdownNow();
        pubsub.close();
    }
}
