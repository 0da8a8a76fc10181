package dev.genvault.examples;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import redis.embedded.RedisServer;

/**
 * The servers {@link ProductionWiring} starts when the environment names none, each on a free port
 * of 127.0.0.1: PostgreSQL (zonky's embedded binaries, durable: {@code fsync} and {@code
 * synchronous_commit} on), S3Proxy in this JVM (in memory, with signature checks) and a
 * redis-server (the binary embedded-redis bundles, without persistence). Everything they hold is
 * gone when they stop: they stand in for the real servers on a machine with only a JDK.
 */
public final class EmbeddedServers {
  /** The access key S3Proxy accepts. */
  public static final String S3_ACCESS_KEY = "genvault-local";

  /** The secret key S3Proxy accepts (a local test server's, not a secret). */
  public static final String S3_SECRET_KEY = "genvault-local-secret";

  private EmbeddedServers() {}

  /**
   * Starts PostgreSQL with durable commits on a free port of 127.0.0.1, in a temporary folder
   * deleted when it stops.
   *
   * @throws UncheckedIOException if it does not start
   */
  public static EmbeddedPostgres postgres() {
    return start(durable());
  }

  /**
   * Starts PostgreSQL with durable commits on {@code port} of 127.0.0.1, keeping its data in {@code
   * dataDirectory} after it stops: started again on the same folder, it recovers what it had
   * committed, also after a crash.
   *
   * @throws UncheckedIOException if it does not start
   */
  public static EmbeddedPostgres postgres(Path dataDirectory, int port) {
    return start(
        durable().setDataDirectory(dataDirectory).setCleanDataDirectory(false).setPort(port));
  }

  private static EmbeddedPostgres.Builder durable() {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        // zonky turns both off by default; a test of durability needs them on.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setPGStartupWait(Duration.ofSeconds(60));
  }

  private static EmbeddedPostgres start(EmbeddedPostgres.Builder builder) {
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not start", e);
    }
  }

  /** An S3Proxy server in this JVM, in memory, with its endpoint. */
  public static final class S3 implements AutoCloseable {
    private final BlobStoreContext context;
    private final S3Proxy proxy;

    /** The endpoint, {@code http://127.0.0.1:{port}}. */
    public final URI endpoint;

    private S3(BlobStoreContext context, S3Proxy proxy) {
      this.context = context;
      this.proxy = proxy;
      this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Starts one on a free port of 127.0.0.1. */
    public static S3 start() {
      BlobStoreContext context =
          ContextBuilder.newBuilder("transient")
              .credentials("identity", "credential")
              .build(BlobStoreContext.class);
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(context.getBlobStore())
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, S3_ACCESS_KEY, S3_SECRET_KEY)
              .endpoint(URI.create("http://127.0.0.1:0"))
              .v4MaxNonChunkedRequestSize(64L * 1024 * 1024)
              .build();
      try {
        proxy.start();
        Instant deadline = Instant.now().plusSeconds(30);
        while (!proxy.getState().equals(AbstractLifeCycle.STARTED)) {
          if (Instant.now().isAfter(deadline)
              || proxy.getState().equals(AbstractLifeCycle.FAILED)) {
            throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
          }
          Thread.sleep(10); // S3Proxy offers no listener for its start
        }
      } catch (Exception e) {
        context.close();
        throw new IllegalStateException("S3Proxy did not start", e);
      }
      return new S3(context, proxy);
    }

    @Override
    public void close() {
      try {
        proxy.stop();
      } catch (Exception e) {
        // stopping anyway
      } finally {
        context.close();
      }
    }
  }

  /**
   * Starts a redis-server on {@code port} of 127.0.0.1, without persistence.
   *
   * @throws UncheckedIOException if it does not start
   */
  public static RedisServer redis(int port) {
    try {
      RedisServer server =
          RedisServer.newRedisServer()
              .port(port)
              .bind("127.0.0.1")
              .setting("save \"\"")
              .setting("appendonly no")
              .build();
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("embedded redis-server did not start", e);
    }
  }

  /** A loopback port that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
