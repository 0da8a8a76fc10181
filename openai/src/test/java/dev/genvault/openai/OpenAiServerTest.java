package dev.genvault.openai;

import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A MockWebServer on loopback (with TCP_NODELAY), a generator on in-memory stores, and a client
 * builder aimed at the server that records the waits and attempts it sees.
 */
abstract class OpenAiServerTest {
  static final String KEY = "sk-canary-0123456789abcdefghijklmnopqrstuv";

  MockWebServer server;
  final List<Duration> slept = new CopyOnWriteArrayList<>();
  final List<String> attempts = new CopyOnWriteArrayList<>();
  final GenerationStore store = GenerationStore.inMemory();
  final BlobStore blobs = BlobStore.inMemory();
  PersistentGenerator genvault;

  @BeforeEach
  void start() throws Exception {
    server = startServer();
    genvault =
        PersistentGenerator.builder().store(store).blobs(blobs).cache(DedupCache.none()).build();
  }

  @AfterEach
  void stop() {
    genvault.close();
    server.close();
  }

  static MockWebServer startServer() throws Exception {
    MockWebServer s = new MockWebServer();
    s.setServerSocketFactory(new NoDelayServerSockets());
    ((QueueDispatcher) s.getDispatcher()).setFailFast(true); // nothing queued: 404 at once
    s.start(InetAddress.getLoopbackAddress(), 0);
    return s;
  }

  OpenAiClient.Builder client() {
    return OpenAiClient.builder()
        .apiKey(KEY)
        .baseUrl(server.url("/v1/").toString())
        .sleeper(slept::add)
        .attemptListener((n, status, wait, error) -> attempts.add(n + ":" + status));
  }

  static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .build();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  static String chunk(String json) {
    return "data: " + json + "\n\n";
  }

  static GenerationRequest haiku() {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .system("Be brief.")
        .prompt("Write a haiku")
        .build();
  }

  static Throwable failure(Callable<?> r) {
    try {
      r.call();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  /** The generation's failure; fails the test if it succeeded or failed otherwise. */
  GenerationFailedException failed(GenerationRequest request, OpenAiClient client) {
    Throwable t = failure(() -> genvault.generate(request, client));
    if (!(t instanceof GenerationFailedException)) {
      throw new AssertionError("expected a GenerationFailedException", t);
    }
    return (GenerationFailedException) t;
  }
}
