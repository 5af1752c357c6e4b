package dev.cutover.ui;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

import java.time.Duration;

/**
 * One Lettuce connection to the session's Redis, opened on first use and reopened when the URL
 * changes or the connection broke. Called from background work only (never the FX thread).
 */
public final class ConsoleRedis implements AutoCloseable {
    private String url;
    private RedisClient client;
    private StatefulRedisConnection<String, String> connection;

    /** Commands on a connection to {@code redisUrl} (reusing the open one when the URL is the same). */
    public synchronized RedisCommands<String, String> commands(String redisUrl) {
        if (!redisUrl.equals(url) || connection == null || !connection.isOpen()) {
            close();
            RedisURI uri = RedisURI.create(redisUrl);
            uri.setTimeout(Duration.ofSeconds(3));
            client = RedisClient.create(uri);
            client.setOptions(io.lettuce.core.ClientOptions.builder().autoReconnect(false).build());
            connection = client.connect();
            url = redisUrl;
        }
        return connection.sync();
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            client = null;
        }
        url = null;
    }
}
