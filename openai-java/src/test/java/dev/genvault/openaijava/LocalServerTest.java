package dev.genvault.openaijava;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.MockWebServer;
import mockwebserver3.QueueDispatcher;
import mockwebserver3.SocketEffect;
import okio.BufferedSink;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A local OpenAI-format server on loopback, the SDK's client for it, and a generator on an
 * in-memory store with a dedup cache.
 */
abstract class LocalServerTest {
  MockWebServer server;
  final GenerationStore store = GenerationStore.inMemory();
  PersistentGenerator genvault;

  @BeforeEach
  void start() throws Exception {
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

  @AfterEach
  void stop() {
    if (sdk != null) {
      sdk.close();
    }
    genvault.close();
    server.close();
  }

  OpenAIClient sdk;

  /** The SDK's own OkHttp client for the local server, without retries; closed after the test. */
  OpenAIClient sdk() {
    sdk = OpenAIOkHttpClient.builder().baseUrl(baseUrl()).apiKey("test-key").maxRetries(0).build();
    return sdk;
  }

  String baseUrl() {
    return server.url("/v1").toString();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder()
        .code(code)
        .setHeader("Content-Type", "application/json")
        .body(body)
        .build();
  }

  /** An event stream whose end is the connection's, as a server that does not chunk sends it. */
  static MockResponse sse(String body) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "text/event-stream")
        .body(body)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }

  static String chunk(String json) {
    return "data: " + json + "\n\n";
  }

  /**
   * The usage both streams of the tests report: 1,200 in (1,024 cached), 300 out (100 reasoning).
   */
  static void assertUsageInDetail(Generation g) {
    assertThat(g.usage().inputTokens()).isEqualTo(1200);
    assertThat(g.usage().cacheReadTokens()).isEqualTo(1024);
    assertThat(g.usage().outputTokens()).isEqualTo(300);
    assertThat(g.usage().reasoningTokens()).isEqualTo(100);
  }

  /** Complete with this text, in the store too. */
  void assertCompleteInStore(Generation g, String text) {
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.text()).isEqualTo(text);
    assertThat(store.find(g.id()).orElseThrow().text()).isEqualTo(text);
  }

  /** The store's generations, newest first. */
  List<Generation> stored() {
    return store.list(GenerationQuery.builder().build()).items();
  }

  /** The one generation stored, once it has ended. */
  Generation onlyGenerationWhenEnded() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> stored().size() == 1 && stored().get(0).isTerminal());
    return stored().get(0);
  }

  /** A stream that sends {@code first}, then nothing until {@code release}, then {@code rest}. */
  static MockResponse stalling(String first, String rest, CountDownLatch release) {
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
                sink.writeUtf8(first).flush();
                try {
                  release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                sink.writeUtf8(rest).flush();
              }
            })
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build();
  }
}
