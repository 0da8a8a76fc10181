package dev.genvault.redis;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.embedded.RedisServer;
import redis.embedded.core.RedisServerBuilder;

/**
 * A redis-server (the binary embedded-redis bundles, Redis 6.2) started by the tests on a free port
 * of 127.0.0.1, without persistence; it can be killed by its PID and started again on its port.
 */
final class EmbeddedRedis implements AutoCloseable {
  private static EmbeddedRedis shared;

  final int port;
  private RedisServer server;

  private final List<String> settings;

  private EmbeddedRedis(int port, List<String> settings) {
    this.port = port;
    this.settings = settings;
    start();
  }

  /** A new server of its own, for a test that stops it, with extra {@code redis.conf} lines. */
  static EmbeddedRedis create(String... settings) {
    return new EmbeddedRedis(freePort(), List.of(settings));
  }

  /** One server for the test JVM, stopped when it exits. */
  static synchronized EmbeddedRedis shared() {
    if (shared == null) {
      shared = create();
      Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
    }
    return shared;
  }

  String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** The server's process ID, as the server reports it. */
  long pid() {
    try (Jedis jedis = new Jedis("127.0.0.1", port)) {
      for (String line : jedis.info("server").split("\r?\n")) {
        if (line.startsWith("process_id:")) {
          return Long.parseLong(line.substring("process_id:".length()).trim());
        }
      }
    }
    throw new IllegalStateException("redis-server did not report its process_id");
  }

  /** Kills the server's process (SIGKILL), as a crash would, and waits until it is gone. */
  void kill() {
    ProcessHandle process = ProcessHandle.of(pid()).orElseThrow();
    process.destroyForcibly();
    await().atMost(Duration.ofSeconds(10)).until(() -> !process.isAlive());
    try {
      server.stop(); // the process is gone; this resets the library's own state
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts a fresh, empty server on the same port. */
  void start() {
    try {
      RedisServerBuilder builder =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no");
      settings.forEach(builder::setting);
      server = builder.build();
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    stopQuietly(server);
  }

  /** Stops a server, or a Sentinel, that may have stopped already. */
  static void stopQuietly(redis.embedded.Redis redis) {
    try {
      redis.stop();
    } catch (IOException | RuntimeException e) {
      // already stopped
    }
  }

  /** A loopback port that was free a moment ago. */
  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
