package dev.cutover.route;

import dev.cutover.io.Secrets;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * The router's connections to Redis (Lettuce): one for commands, one subscribed to the change
 * channel. Commands fail fast while Redis is unreachable (they are never queued inside the
 * client), so no caller waits for Redis; Lettuce reconnects and re-subscribes by itself once a
 * connection was made, and {@link #ensureConnected} retries the first connection on every tick.
 */
final class RouterRedis implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterRedis.class);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final RedisClient client;
    private final String channel;
    private final Consumer<String> onMessage;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile StatefulRedisPubSubConnection<String, String> pubSub;

    RouterRedis(String url, Duration timeout, String channel, Consumer<String> onMessage) {
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            // Lettuce's parse errors may quote the URL, password included
            throw new IllegalArgumentException("bad Redis URL " + Secrets.maskUrl(url) + ": "
                    + Secrets.maskText(String.valueOf(e.getMessage()).lines().findFirst().orElse(""), url));
        }
        // connecting (handshake included) may take longer than a command, the first time in a cold JVM
        Duration connect = timeout.compareTo(CONNECT_TIMEOUT) > 0 ? timeout : CONNECT_TIMEOUT;
        uri.setTimeout(connect);
        this.client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connect).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        this.channel = channel;
        this.onMessage = onMessage;
    }

    /** True when the command connection is open; tries to make the connections if they were never made. */
    synchronized boolean ensureConnected() {
        try {
            if (connection == null) {
                connection = client.connect();
            }
            if (pubSub == null) {
                StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub();
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String ch, String message) {
                        if (channel.equals(ch)) {
                            onMessage.accept(message);
                        }
                    }
                });
                ps.sync().subscribe(channel);
                pubSub = ps;
            }
        } catch (RuntimeException e) {
            LOG.debug("redis not reachable: {}", Secrets.maskText(e.getMessage()));
        }
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    boolean isOpen() {
        StatefulRedisConnection<String, String> c = connection;
        return c != null && c.isOpen();
    }

    /** Synchronous commands (bounded by the timeout); only for threads off the request path. */
    RedisCommands<String, String> sync() {
        StatefulRedisConnection<String, String> c = connection;
        if (c == null) {
            throw new IllegalStateException("redis is not connected");
        }
        return c.sync();
    }

    /** Asynchronous commands, or null when never connected. */
    RedisAsyncCommands<String, String> async() {
        StatefulRedisConnection<String, String> c = connection;
        return c == null ? null : c.async();
    }

    @Override
    public synchronized void close() {
        try {
            if (pubSub != null) {
                pubSub.close();
            }
            if (connection != null) {
                connection.close();
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}
