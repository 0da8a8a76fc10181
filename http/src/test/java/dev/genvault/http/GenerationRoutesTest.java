package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.BlobRef;
import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.internal.ContentTypes;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.DedupCache;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GenerationRoutesTest {
  private final RouteTestStore store = new RouteTestStore();
  private final BlobStore blobs = BlobStore.inMemory();
  private volatile @Nullable RuntimeException blobFailure;
  private final BlobStore routeBlobs =
      new BlobStore() {
        @Override
        public BlobRef put(String key, byte[] content, String contentType) {
          return blobs.put(key, content, contentType);
        }

        @Override
        public BlobRef put(String key, InputStream content, String contentType) {
          return blobs.put(key, content, contentType);
        }

        @Override
        public Optional<InputStream> open(String key) {
          RouteTestStore.throwIfSet(blobFailure);
          return blobs.open(key);
        }

        @Override
        public boolean delete(String key) {
          return blobs.delete(key);
        }

        @Override
        public Optional<URI> url(BlobRef ref) {
          String base = urlBase;
          return base == null ? Optional.empty() : Optional.of(URI.create(base + ref.key()));
        }
      };
  private volatile @Nullable String urlBase;
  private volatile Authorizer authorizer =
      (exchange, owner) ->
          !"secret".equals(owner.userId())
                  || "letmein".equals(exchange.getRequestHeaders().getFirst("X-Test-User"))
              ? Visibility.FULL
              : Visibility.NONE;
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String base;

  @BeforeEach
  void start() throws Exception {
    genvault =
        PersistentGenerator.builder().store(store).blobs(blobs).cache(DedupCache.none()).build();
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .blobs(routeBlobs)
            .authorizer((exchange, owner) -> authorizer.visibility(exchange, owner))
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    base = "http://127.0.0.1:" + routes.address().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    routes.close();
    genvault.close();
  }

  /** A GET as an app sends it: JSON unless the headers ask for something else. */
  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    boolean accept = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      accept |= headers[i].equalsIgnoreCase("Accept");
    }
    if (!accept) {
      b.header("Accept", "application/json");
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Reads an event stream to its end, running an action when a given line has arrived. */
  private String readEvents(String path, String line, Runnable onLine) throws Exception {
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    // A stream is never kept by a cache, live or not.
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    StringBuilder body = new StringBuilder();
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
      for (String l = in.readLine(); l != null; l = in.readLine()) {
        body.append(l).append('\n');
        if (l.equals(line)) {
          onLine.run();
        }
      }
    }
    return body.toString();
  }

  private Generation image(String prompt) {
    return genvault.generate(
        GenerationRequest.image("demo", prompt), DemoModel.create(Duration.ZERO, 1));
  }

  /** The JSON, event-stream and first-file routes of an image generation. */
  private static List<String> everyRoute(Generation g) {
    return List.of("/image/" + g.id(), "/image/" + g.id() + "/events", "/image/" + g.id() + "/0");
  }

  private HttpResponse<byte[]> getBytes(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void a_generation_is_served_as_json_with_safe_headers() throws Exception {
    Generation g =
        genvault.generate(
            GenerationRequest.prompt("demo", "Hello there"), DemoModel.create(Duration.ZERO, 8));
    HttpResponse<String> r = get("/generate/" + g.id());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(v -> assertThat(v).contains("default-src 'none'"));
    assertThat(r.body())
        .contains("\"id\":\"" + g.id() + "\"")
        .contains("\"status\":\"complete\"")
        .contains("\"text\":\"" + g.text() + "\"")
        .contains("\"prompt\":\"Hello there\"")
        .contains("\"usage\":{");
  }

  @Test
  void unknown_unauthorized_and_malformed_paths_are_all_404_and_other_methods_405()
      throws Exception {
    Generation secret =
        genvault.generate(
            GenerationRequest.builder().model("demo").prompt("x").userId("secret").build(),
            DemoModel.create(Duration.ZERO, 3));
    assertThat(get("/generate/" + secret.id()).statusCode()).isEqualTo(404);
    assertThat(get("/generate/" + secret.id(), "X-Test-User", "letmein").statusCode())
        .isEqualTo(200);
    assertThat(get("/generate/no-such-generation-0001").statusCode()).isEqualTo(404);
    assertThat(get("/generate/../../etc/passwd").statusCode()).isEqualTo(404);
    assertThat(get("/generate/%2e%2e%2fsecret").statusCode()).isEqualTo(404);
    assertThat(get("/elsewhere/" + secret.id()).statusCode()).isEqualTo(404);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/generate/" + secret.id()))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void a_live_generation_streams_as_server_sent_events_until_its_end() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    ModelClient slow =
        ModelClient.of(
            "test",
            call -> {
              call.emit("first ");
              started.countDown();
              gate.await(10, TimeUnit.SECONDS);
              call.emit("second");
              return ModelResult.builder().finishReason("stop").build();
            });
    String id = genvault.submit(GenerationRequest.prompt("m", "stream it"), slow);
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    // the model goes on only once the client has read the first piece
    String body = readEvents("/generate/" + id, "data: {\"text\":\"first \"}", gate::countDown);
    assertThat(body)
        .contains("event: delta\ndata: {\"text\":\"first \"}")
        .contains("event: delta\ndata: {\"text\":\"second\"}")
        .contains("event: end\ndata: {");
    assertThat(body.indexOf("second")).isLessThan(body.indexOf("event: end"));
    // a finished one replays whole on /events
    assertThat(genvault.follow(id).result().status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(get("/generate/" + id + "/events").body())
        .contains("first second")
        .contains("event: end");
  }

  @Test
  void a_failed_generation_ends_its_stream_with_an_error_event() throws Exception {
    ModelClient failing =
        ModelClient.of(
            "test",
            call -> {
              call.emit("partial");
              throw new IllegalStateException("upstream broke");
            });
    String id = genvault.submit(GenerationRequest.prompt("m", "fail"), failing);
    assertThat(genvault.follow(id).result().status()).isEqualTo(GenerationStatus.ERROR);
    String body = get("/generate/" + id + "/events").body();
    assertThat(body)
        .contains("{\"text\":\"partial\"}")
        .contains("event: error")
        .contains("upstream broke");
  }

  @Test
  void a_file_redirects_to_the_url_the_blob_store_mints_when_it_gives_one() throws Exception {
    Generation g = image("a square");
    urlBase = "https://cdn.example.com/files/";
    HttpResponse<byte[]> redirect = getBytes("/image/" + g.id() + "/0");
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Location"))
        .contains("https://cdn.example.com/files/" + g.blobs().get(0).key());
    assertThat(redirect.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(redirect.body()).isEmpty();
  }

  @Test
  void images_are_served_inline_with_their_sniffed_type_and_other_files_as_attachments()
      throws Exception {
    Generation g = image("a square");
    HttpResponse<byte[]> png = getBytes("/image/" + g.id() + "/0");
    assertThat(png.statusCode()).isEqualTo(200);
    assertThat(png.headers().firstValue("Content-Type")).contains("image/png");
    assertThat(png.headers().firstValue("Content-Disposition")).contains("inline");
    assertThat(png.body()).hasSize((int) g.blobs().get(0).size()).startsWith(0x89, 'P', 'N', 'G');
    assertThat(get("/image/" + g.id()).body()).contains("\"url\":\"/image/" + g.id() + "/0\"");
    assertThat(getBytes("/image/" + g.id() + "/1").statusCode()).isEqualTo(404);

    ModelClient html =
        ModelClient.of(
            "test",
            call ->
                ModelResult.builder()
                    .finishReason("stop")
                    .blob("image/png", "<script>alert(1)</script>".getBytes())
                    .build());
    Generation disguised =
        genvault.generate(GenerationRequest.image("m", "not really an image"), html);
    HttpResponse<byte[]> attachment = getBytes("/image/" + disguised.id() + "/0");
    assertThat(attachment.headers().firstValue("Content-Type"))
        .contains("application/octet-stream");
    assertThat(attachment.headers().firstValue("Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("attachment"));
    assertThat(attachment.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void a_throwing_authorizer_answers_404_on_every_route_never_an_empty_reply() throws Exception {
    // the README's example, for a generation made without a user: owner.userId() is null
    authorizer =
        (exchange, owner) ->
            owner.userId().equals(exchange.getRequestHeaders().getFirst("X-Test-User"))
                ? Visibility.FULL
                : Visibility.NONE;
    Generation g = image("no user");
    for (String path : everyRoute(g)) {
      HttpResponse<String> r = get(path, "X-Test-User", "alice");
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(r.body()).as(path).isEqualTo("not found\n");
    }
  }

  @Test
  void a_store_outage_answers_503_and_any_other_failure_500_with_a_short_json_error()
      throws Exception {
    Generation g = image("a square");
    store.ownerFailure = outage();
    answerAnError(everyRoute(g), 503, "unavailable");
    store.ownerFailure = null;
    store.readFailure = outage();
    answerAnError(everyRoute(g), 503, "unavailable");
    store.readFailure = new IllegalStateException("internal detail 10.0.0.7");
    answerAnError(everyRoute(g), 500, "internal error");
    store.readFailure = null;
    blobFailure = outage();
    answerAnError(List.of("/image/" + g.id() + "/0"), 503, "unavailable");
  }

  private static PersistenceException outage() {
    return new PersistenceException("db-host-10.0.0.7:5432 refused", null);
  }

  private void answerAnError(List<String> paths, int status, String error) throws Exception {
    for (String path : paths) {
      HttpResponse<String> r = get(path, "X-Test-User", "letmein");
      assertThat(r.statusCode()).as(path).isEqualTo(status);
      assertThat(r.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      assertThat(r.body()).as(path).isEqualTo("{\"error\":\"" + error + "\"}");
    }
  }

  @Test
  void a_live_stream_whose_store_fails_ends_with_an_error_event_without_internals()
      throws Exception {
    // a generation running in another process: followed by polling the store
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    String id = "other-process-generation-1";
    store.insert(
        Generation.builder()
            .id(id)
            .request(GenerationRequest.prompt("m", "elsewhere"))
            .status(GenerationStatus.PENDING)
            .createdAt(now)
            .heartbeatAt(now)
            .build());
    store.appendChunks(List.of(new Chunk(id, 0, "early ", now)), now);
    String body =
        readEvents(
            "/generate/" + id + "/events",
            "data: {\"text\":\"early \"}",
            () -> store.readFailure = outage());
    assertThat(body)
        .contains("event: delta\ndata: {\"text\":\"early \"}")
        .endsWith("event: error\ndata: {\"error\":\"unavailable\"}\n\n")
        .doesNotContain("10.0.0.7");
  }

  @Test
  void a_request_that_may_not_see_a_generation_never_loads_its_record() throws Exception {
    Generation secret =
        genvault.generate(
            GenerationRequest.builder().model("demo").prompt("x").userId("secret").build(),
            DemoModel.create(Duration.ZERO, 3));
    store.finds.set(0);
    for (String path :
        List.of(
            "/generate/" + secret.id(),
            "/generate/" + secret.id() + "/events",
            "/generate/" + secret.id() + "/0",
            "/generate/no-such-generation-0001")) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(404);
    }
    assertThat(store.finds).hasValue(0);
    assertThat(get("/generate/" + secret.id(), "X-Test-User", "letmein").statusCode())
        .isEqualTo(200);
    assertThat(store.finds).hasValue(1);
  }

  @Test
  void routes_without_an_authorizer_refuse_to_start() {
    GenerationRoutes.Builder open = GenerationRoutes.builder().generator(genvault);
    assertThatThrownBy(open::build)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Authorizer")
        .hasMessageContaining("Authorizer.allowAll()");
    assertThatThrownBy(() -> open.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Authorizer.allowAll()");
  }

  @Test
  void the_public_view_leaves_out_the_system_prompt_metadata_owner_and_cache_source()
      throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Generation copy =
        Generation.builder()
            .id("a-cached-copy-0001")
            .request(
                GenerationRequest.builder()
                    .model("demo")
                    .system("SYSTEM-SECRET-1")
                    .message(Message.system("SYSTEM-SECRET-2"))
                    .message(Message.user("what is up"))
                    .userId("alice-7")
                    .tenantId("acme-9")
                    .metadata("crm", "META-SECRET")
                    .build())
            .status(GenerationStatus.COMPLETE)
            .text("all good")
            .cachedFrom("someone-elses-generation")
            .createdAt(now)
            .completedAt(now)
            .build();
    store.insertTerminal(copy);
    authorizer = (exchange, owner) -> Visibility.PUBLIC;
    for (String body : viewsOf(copy)) {
      assertThat(body)
          .contains("\"text\":\"all good\"")
          .contains("{\"role\":\"user\",\"content\":\"what is up\"}")
          .doesNotContain("SYSTEM-SECRET")
          .doesNotContain("META-SECRET")
          .doesNotContain("alice-7")
          .doesNotContain("acme-9")
          .doesNotContain("someone-elses-generation");
    }
    authorizer = Authorizer.allowAll();
    for (String body : viewsOf(copy)) {
      assertThat(body)
          .contains("SYSTEM-SECRET-1", "SYSTEM-SECRET-2", "META-SECRET", "alice-7", "acme-9")
          .contains("\"cachedFrom\":\"someone-elses-generation\"");
    }
  }

  @Test
  void every_name_in_the_json_is_camel_case_but_the_providers_own_usage_report() throws Exception {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Generation g =
        Generation.builder()
            .id("camel-case-check-0001")
            .request(
                GenerationRequest.builder()
                    .model("demo")
                    .prompt("hi")
                    .maxOutputTokens(10)
                    .topP(0.5)
                    .toolChoice("\"auto\"")
                    .imageSize("1024x1024")
                    .userId("u")
                    .tenantId("t")
                    .build())
            .status(GenerationStatus.COMPLETE)
            .text("ok")
            .finishReason("stop")
            .usage(
                dev.genvault.Usage.builder()
                    .inputTokens(3L)
                    .cacheReadTokens(1L)
                    .outputTokens(1L)
                    .raw(java.util.Map.of("prompt_tokens", 3L))
                    .build())
            .createdAt(now)
            .completedAt(now)
            .build();
    store.insertTerminal(g);
    authorizer = Authorizer.allowAll();
    String json = get("/generate/" + g.id()).body();
    List<String> names = new java.util.ArrayList<>();
    try (com.squareup.moshi.JsonReader r =
        com.squareup.moshi.JsonReader.of(new okio.Buffer().writeUtf8(json))) {
      collectNames(r, names, false);
    }
    assertThat(names).contains("maxOutputTokens", "topP", "cacheReadTokens", "userId");
    assertThat(names).allMatch(n -> n.matches("[a-z][A-Za-z0-9]*"), "camelCase");
  }

  /** Every object member name in a JSON document, skipping the provider's raw usage report. */
  private static void collectNames(com.squareup.moshi.JsonReader r, List<String> names, boolean raw)
      throws Exception {
    switch (r.peek()) {
      case BEGIN_OBJECT -> {
        r.beginObject();
        while (r.hasNext()) {
          String name = r.nextName();
          if (raw) {
            r.skipValue();
            continue;
          }
          names.add(name);
          collectNames(r, names, name.equals("raw"));
        }
        r.endObject();
      }
      case BEGIN_ARRAY -> {
        r.beginArray();
        while (r.hasNext()) {
          collectNames(r, names, false);
        }
        r.endArray();
      }
      default -> r.skipValue();
    }
  }

  /** The JSON and the replayed event stream of a chat generation. */
  private List<String> viewsOf(Generation chat) throws Exception {
    return List.of(get("/chat/" + chat.id()).body(), get("/chat/" + chat.id() + "/events").body());
  }

  @Test
  void magic_bytes_decide_the_type() {
    assertThat(ContentTypes.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}, 4))
        .isEqualTo("image/jpeg");
    assertThat(ContentTypes.sniff("GIF89a".getBytes(), 6)).isEqualTo("image/gif");
    assertThat(ContentTypes.sniff("RIFF\0\0\0\0WEBP".getBytes(), 12)).isEqualTo("image/webp");
    assertThat(ContentTypes.sniff("<svg>".getBytes(), 5)).isNull();
  }
}
