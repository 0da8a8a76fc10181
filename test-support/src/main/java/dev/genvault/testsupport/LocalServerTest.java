package dev.genvault.testsupport;

import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A local OpenAI-format server on loopback, and a generator on an in-memory store with a dedup
 * cache: the base of the adapter modules' tests, one server and generator per test.
 */
public abstract class LocalServerTest {
  /** The local server; answers are enqueued, and a request without one fails at once. */
  protected MockWebServer server;

  /** The generator's store. */
  protected final GenerationStore store = GenerationStore.inMemory();

  /** The generator, with a dedup cache and a base URL. */
  protected PersistentGenerator genvault;

  /** Starts the server and the generator. */
  @BeforeEach
  protected void start() throws Exception {
    server = new MockWebServer();
    ((QueueDispatcher) server.getDispatcher()).setFailFast(true);
    server.start(InetAddress.getLoopbackAddress(), 0);
    genvault =
        PersistentGenerator.builder()
            .store(store)
            .cache(DedupCache.caffeine(100))
            .baseUrl("https://vault.example")
            .build();
  }

  /** Closes the generator and the server. */
  @AfterEach
  protected void stop() {
    genvault.close();
    server.close();
  }

  /** The server's OpenAI base URL, ending in {@code /v1}. */
  protected String baseUrl() {
    return server.url("/v1").toString();
  }

  /** A JSON answer with this status. */
  protected static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  /** An event stream whose end is the connection's, as a server that does not chunk sends it. */
  protected static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  /** One server-sent event carrying {@code json}. */
  protected static String chunk(String json) {
    return "data: " + json + "\n\n";
  }

  /** The store's generations, newest first. */
  protected List<Generation> stored() {
    return store.list(GenerationQuery.builder().build()).items();
  }

  /** The one generation stored, once it has ended. */
  protected Generation onlyGenerationWhenEnded() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stored().size() == 1 && stored().get(0).isTerminal());
    return stored().get(0);
  }

  /**
   * Waits until the newest generation is the one whose last message is {@code lastMessage} and it
   * has ended, then checks that it is complete, or an error with a message: what every broken
   * answer must leave behind, whatever the framework made of it.
   */
  protected void checkEndedRecord(SoftAssertions softly, String lastMessage, String which) {
    Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(10))
        .atMost(Duration.ofSeconds(10))
        .until(() -> newest().map(g -> endsWith(g, lastMessage) && g.isTerminal()).orElse(false));
    Generation row = newest().orElseThrow();
    if (row.status() != GenerationStatus.COMPLETE) {
      softly.assertThat(row.status()).as(which).isEqualTo(GenerationStatus.ERROR);
      softly.assertThat(row.errorMessage()).as(which).isNotBlank();
    }
  }

  private Optional<Generation> newest() {
    return store.list(GenerationQuery.builder().limit(1).build()).items().stream().findFirst();
  }

  private static boolean endsWith(Generation g, String lastMessage) {
    List<Message> messages = g.request().conversation();
    return messages.get(messages.size() - 1).content().equals(lastMessage);
  }

  /** A stream that sends {@code first}, then nothing until {@code release}, then {@code rest}. */
  protected static MockResponse stalling(String first, String rest, CountDownLatch release) {
    return openEnded(
        sink -> {
          sink.writeUtf8(first).flush();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          sink.writeUtf8(rest).flush();
        });
  }

  /** A stream cut after {@code first}: the connection closes, with no end of the stream. */
  protected static MockResponse cut(String first) {
    return openEnded(sink -> sink.writeUtf8(first).flush());
  }

  /** What an open-ended body writes. */
  private interface BodyWriter {
    void writeTo(BufferedSink sink) throws IOException;
  }

  /** An event stream of unknown length, whose end is the connection's (it is not chunked). */
  private static MockResponse openEnded(BodyWriter writer) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(
            new MockResponseBody() {
              @Override
              public long getContentLength() {
                return -1;
              }

              @Override
              public void writeTo(BufferedSink sink) throws IOException {
                writer.writeTo(sink);
              }
            })
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }
}
