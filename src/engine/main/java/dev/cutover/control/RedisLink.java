package dev.cutover.control;

import dev.cutover.io.Secrets;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.protocol.ProtocolVersion;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A connection to the Redis of the control plane. Lettuce connections are thread-safe: one link
 * serves a whole process (console, router); a {@link ControlFollower} adds its own pub/sub
 * connection. There is one Lettuce {@link RedisClient} per URL in the process, kept until the
 * process ends, and one set of event loops ({@link ClientResources}) for all of them.
 *
 * <p>URLs are Lettuce's: {@code redis://[user:password@]host:port[/db]}, {@code rediss://…} for
 * TLS. The server certificate is checked against the JDK trust store, or against the PEM file
 * named by {@code CUTOVER_REDIS_CA}. After a dropped connection Lettuce reconnects by itself
 * (back-off 10 ms … 2 s) and queues commands meanwhile; a command waits at most the command
 * timeout (5 s).
 */
public final class RedisLink implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);
    private static final Map<String, RedisClient> CLIENTS = new ConcurrentHashMap<>();
    private static ClientResources resources;

    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;
    private final String safeUrl;

    private RedisLink(RedisClient client, StatefulRedisConnection<String, String> connection, String safeUrl) {
        this.client = client;
        this.connection = connection;
        this.safeUrl = safeUrl;
    }

    /** Connects (the CA for rediss:// from {@code CUTOVER_REDIS_CA}, else the JDK trust store). */
    public static RedisLink open(String url) {
        String ca = System.getenv("CUTOVER_REDIS_CA");
        return open(url, ca == null || ca.isBlank() ? null : Path.of(ca));
    }

    /**
     * Connects to {@code url}, trusting the PEM certificate(s) in {@code caPem} for rediss://
     * (null: the JDK trust store). Fails with one line: {@code cannot reach Redis at URL: why}.
     */
    public static RedisLink open(String url, Path caPem) {
        String safe = safeUrl(url);
        RedisURI uri;
        try {
            uri = RedisURI.create(url);
        } catch (RuntimeException e) {
            // Lettuce's parse errors may quote the URL (password included): mask whatever it says
            throw new ControlException("bad Redis URL " + safe + ": " + Secrets.maskText(firstLine(e), url));
        }
        uri.setTimeout(COMMAND_TIMEOUT);
        if (caPem != null && !Files.isReadable(caPem)) {
            throw new ControlException("cannot read the Redis CA certificate " + caPem + " (CUTOVER_REDIS_CA)");
        }
        RedisClient client = CLIENTS.computeIfAbsent(url + "\n" + caPem, k -> newClient(uri, caPem));
        try {
            StatefulRedisConnection<String, String> c = client.connect();
            return new RedisLink(client, c, safe);
        } catch (RuntimeException e) {
            String why = describe(e);
            if (!hasServerAnswer(e) && reachedServer(e)) {
                String auth = authAnswer(uri, caPem);
                if (auth != null) {
                    why = auth;
                }
            }
            throw new ControlException("cannot reach Redis at " + safe + ": " + Secrets.maskText(why, url), e);
        }
    }

    /** Whether the connection got as far as the server (not refused, unknown host or timed out). */
    private static boolean reachedServer(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.UnknownHostException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof io.lettuce.core.RedisCommandTimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return false;
            }
        }
        return true;
    }

    /** Whether the failure carries Redis's own answer (an error reply such as WRONGPASS). */
    private static boolean hasServerAnswer(Throwable e) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException) {
                return true;
            }
        }
        return false;
    }

    /**
     * When a connection with credentials failed without the server's answer, the server's answer
     * to those credentials (e.g. {@code WRONGPASS …}), else null. Lettuce can lose it: a handshake
     * whose AUTH fails closes the channel, and when that runs off the event loop (under load) the
     * close is reported first, as "Connection closed prematurely" (or "RedisHandshakeHandler not
     * registered"). So ask again on a connection
     * without credentials (RESP2, nothing sent at connect), with AUTH as an ordinary command.
     */
    private static String authAnswer(RedisURI uri, Path caPem) {
        RedisCredentials credentials;
        try {
            credentials = uri.getCredentialsProvider().resolveCredentials().block(COMMAND_TIMEOUT);
        } catch (RuntimeException e) {
            return null;
        }
        if (credentials == null || !credentials.hasPassword()) {
            return null;
        }
        RedisURI bare = RedisURI.builder().withHost(uri.getHost()).withPort(uri.getPort()).withSsl(uri.isSsl())
                .withVerifyPeer(uri.getVerifyMode()).withStartTls(uri.isStartTls()).withTimeout(COMMAND_TIMEOUT).build();
        ClientOptions.Builder options = ClientOptions.builder().protocolVersion(ProtocolVersion.RESP2)
                .pingBeforeActivateConnection(false).autoReconnect(false)
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).build());
        if (caPem != null) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(caPem.toFile()).build());
        }
        RedisClient probe = RedisClient.create(sharedResources(), bare);
        probe.setOptions(options.build());
        try (StatefulRedisConnection<String, String> c = probe.connect()) {
            if (credentials.hasUsername()) {
                c.sync().auth(credentials.getUsername(), new String(credentials.getPassword()));
            } else {
                c.sync().auth(new String(credentials.getPassword()));
            }
            return null; // the credentials are right: the first failure stands
        } catch (RedisCommandExecutionException e) {
            return firstLine(e);
        } catch (RuntimeException e) {
            return null;
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static RedisClient newClient(RedisURI uri, Path caPem) {
        ClientOptions.Builder options = ClientOptions.builder()
                .socketOptions(SocketOptions.builder().connectTimeout(CONNECT_TIMEOUT).keepAlive(true).build());
        if (caPem != null) {
            options.sslOptions(SslOptions.builder().jdkSslProvider().trustManager(caPem.toFile()).build());
        }
        RedisClient client = RedisClient.create(sharedResources(), uri);
        client.setOptions(options.build());
        return client;
    }

    private static synchronized ClientResources sharedResources() {
        if (resources == null) {
            resources = DefaultClientResources.builder()
                    .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS))
                    .build();
        }
        return resources;
    }

    public RedisCommands<String, String> sync() {
        return connection.sync();
    }

    public RedisAsyncCommands<String, String> async() {
        return connection.async();
    }

    /** A new pub/sub connection (closed by its user), same URL and options. */
    public StatefulRedisPubSubConnection<String, String> connectPubSub() {
        try {
            return client.connectPubSub();
        } catch (RuntimeException e) {
            throw new ControlException("cannot reach Redis at " + safeUrl + ": " + describe(e), e);
        }
    }

    /** Notified on every connect, reconnect and disconnect of this link's connections. */
    public void addListener(RedisConnectionStateListener listener) {
        client.addListener(listener);
    }

    public void removeListener(RedisConnectionStateListener listener) {
        client.removeListener(listener);
    }

    /** The URL with any password masked, for messages. */
    public String safeUrl() {
        return safeUrl;
    }

    /** A one-line error for a failed command: {@code Redis at URL: what}. */
    public ControlException failure(String doing, RuntimeException e) {
        if (e instanceof ControlException ce) {
            return ce;
        }
        return new ControlException("Redis at " + safeUrl + ": " + doing + " failed: " + describe(e), e);
    }

    /** Closes this link's connection; the client and its event loops stay for the process's next link. */
    @Override
    public void close() {
        connection.close();
    }

    /** {@code redis://user:***@host:port}: the password never reaches a message or a log. */
    public static String safeUrl(String url) {
        return Secrets.maskUrl(url);
    }

    /** The innermost useful message of a Lettuce/Netty failure, one line. */
    static String describe(Throwable e) {
        Throwable t = e;
        String best = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                best = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        String msg = best == null ? e.getClass().getSimpleName() : best;
        return Secrets.maskText(msg.lines().findFirst().orElse(msg));
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
