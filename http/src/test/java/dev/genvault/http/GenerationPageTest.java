package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.DemoModel;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.ProviderException;
import dev.genvault.Usage;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTML page of a generation, its assets and the resumable event stream, over HTTP. */
class GenerationPageTest {
  private final GenerationStore store = GenerationStore.inMemory();
  private final BlobStore blobs = BlobStore.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private String base;

  @BeforeEach
  void start() throws Exception {
    genvault =
        PersistentGenerator.builder().store(store).blobs(blobs).cache(DedupCache.none()).build();
    // X-User names the caller: the owner sees everything, X-Public anyone the public view.
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .blobs(blobs)
            .authorizer(
                (exchange, owner) -> {
                  String user = exchange.getRequestHeaders().getFirst("X-User");
                  if (user != null && user.equals(owner.userId())) {
                    return Visibility.FULL;
                  }
                  return exchange.getRequestHeaders().containsKey("X-Public")
                      ? Visibility.PUBLIC
                      : Visibility.NONE;
                })
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    base = "http://127.0.0.1:" + routes.address().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    routes.close();
    genvault.close();
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    return TestRequests.get(base + path, headers);
  }

  private static ModelClient emitting(String... pieces) {
    return call -> {
      for (String piece : pieces) {
        call.emit(piece);
      }
      return ModelResult.builder().finishReason("stop").usage(Usage.of(12, 34)).build();
    };
  }

  private static GenerationRequest chat(String user, String question) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .messages(List.of(Message.system("You are a secret-keeper."), Message.user(question)))
        .userId(user)
        .build();
  }

  @Test
  void a_finished_chat_is_a_page_without_script_that_shows_generated_html_as_text()
      throws Exception {
    Generation g =
        genvault.generate(
            chat("ann", "Say <b>hi</b>"),
            emitting("<script>window.pwned = 1</script>", " & 'quoted' \"x\""));
    HttpResponse<String> r = get("/chat/" + g.id(), "X-User", "ann");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(r.headers().firstValue("Content-Security-Policy"))
        .contains(GenerationPage.CSP)
        .hasValueSatisfying(v -> assertThat(v).doesNotContain("unsafe-inline"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).contains("same-origin");
    assertThat(r.headers().firstValue("Cache-Control")).contains("private, no-cache");
    String etag = r.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = get("/chat/" + g.id(), "X-User", "ann", "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(get("/chat/" + g.id(), "X-User", "ann", "If-None-Match", "*").statusCode())
        .isEqualTo(304);
    // The kept page stays under the page's policy: a 304's headers replace the kept ones.
    assertThat(again.headers().firstValue("Content-Security-Policy")).contains(GenerationPage.CSP);
    // A chat's JSON lists its thread, which later turns change: no validator, asked each time.
    assertThat(
            get("/chat/" + g.id(), "X-User", "ann", "Accept", "application/json")
                .headers()
                .firstValue("ETag"))
        .isEmpty();
    // With a slash at the end the page's relative links would break: redirected without it.
    HttpResponse<String> slash = get("/chat/" + g.id() + "/", "X-User", "ann");
    assertThat(slash.statusCode()).isEqualTo(308);
    assertThat(slash.headers().firstValue("Location")).contains("../" + g.id());
    // Another caller is asked again and gets nothing cached: the owner is checked first.
    assertThat(get("/chat/" + g.id(), "X-User", "bob", "If-None-Match", etag).statusCode())
        .isEqualTo(404);
    assertThat(r.headers().allValues("Vary")).contains("Accept");
    String page = r.body();
    assertThat(page)
        .doesNotContain("<script")
        .doesNotContain("<b>hi</b>")
        .contains(
            "&lt;script&gt;window.pwned = 1&lt;/script&gt; &amp; &#39;quoted&#39; &quot;x&quot;")
        .contains("Say &lt;b&gt;hi&lt;/b&gt;")
        .contains("You are a secret-keeper.") // the owner sees the system message
        .contains("<dd id=\"status\">complete</dd>")
        .contains("12 in, 34 out")
        .contains("gpt-4o-mini");
    // The conversation first, the answer last.
    assertThat(page.indexOf("Say &lt;b&gt;")).isLessThan(page.indexOf("id=\"text\""));

    String publicPage = get("/chat/" + g.id(), "X-Public", "1").body();
    assertThat(publicPage).doesNotContain("secret-keeper").contains("Say &lt;b&gt;hi");
    assertThat(publicPage).doesNotContain(">ann<");
  }

  @Test
  void json_is_still_there_for_apps_and_hidden_or_unknown_generations_are_the_same_404()
      throws Exception {
    Generation g = genvault.generate(chat("ann", "hello"), emitting("hi"));
    HttpResponse<String> json =
        get("/chat/" + g.id(), "X-User", "ann", "Accept", "application/json");
    assertThat(json.headers().firstValue("Content-Type")).contains(Answers.JSON);
    assertThat(json.body()).startsWith("{").contains("\"id\":\"" + g.id() + "\"");

    HttpResponse<String> hidden = get("/chat/" + g.id(), "X-User", "bob");
    HttpResponse<String> unknown = get("/chat/AAAAAAAAAAAAAAAAAAAAA", "X-User", "bob");
    assertThat(hidden.statusCode()).isEqualTo(404);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(hidden.body()).isEqualTo(unknown.body());
    assertThat(hidden.headers().firstValue("Content-Type"))
        .isEqualTo(unknown.headers().firstValue("Content-Type"));
  }

  @Test
  void a_live_page_names_its_stream_after_the_stored_text_and_the_stream_sends_only_the_rest()
      throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ModelClient slow =
        call -> {
          call.emit("Hello ");
          if (!release.await(20, TimeUnit.SECONDS)) {
            throw new IllegalStateException("never released");
          }
          call.emit("world");
          return ModelResult.builder().finishReason("stop").build();
        };
    GenerationStream stream = genvault.stream(chat("ann", "greet"), slow);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.find(stream.id()).orElseThrow().text().equals("Hello "));

    HttpResponse<String> r = get("/chat/" + stream.id(), "X-User", "ann");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    String page = r.body();
    assertThat(page)
        .contains("data-events=\"" + stream.id() + "/events\" data-offset=\"6\"")
        .contains("<pre class=\"text\" id=\"text\">\nHello </pre>");
    Matcher script = Pattern.compile("<script src=\"\\.\\.(/assets/[^\"]+)\" defer>").matcher(page);
    assertThat(script.find()).isTrue();
    HttpResponse<String> js = get(script.group(1));
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type")).contains("text/javascript; charset=utf-8");
    assertThat(js.headers().firstValue("Cache-Control"))
        .contains("public, max-age=31536000, immutable");
    assertThat(js.body()).contains("EventSource").contains("textContent");
    assertThat(get("/assets/0000000000000000/genvault.js").statusCode()).isEqualTo(404);

    release.countDown();
    stream.result();
    String rest = get("/chat/" + stream.id() + "/events?after=6", "X-User", "ann").body();
    assertThat(rest.substring(0, rest.indexOf("event: end")))
        .isEqualTo("id: 11\nevent: delta\ndata: {\"text\":\"world\"}\n\n");
  }

  @Test
  void the_last_event_id_resumes_a_stream_mid_delta_and_nonsense_starts_from_the_beginning()
      throws Exception {
    Generation g = genvault.generate(chat("ann", "count"), emitting("one ", "two ", "three"));
    assertThat(get("/chat/" + g.id() + "/events", "X-User", "ann", "Last-Event-ID", "6").body())
        .startsWith("id: 13\nevent: delta\ndata: {\"text\":\"o three\"}\n\nevent: end");
    // The header wins over the query: it is what a reconnecting EventSource sends.
    assertThat(
            get("/chat/" + g.id() + "/events?after=2", "X-User", "ann", "Last-Event-ID", "8")
                .body())
        .startsWith("id: 13\nevent: delta\ndata: {\"text\":\"three\"}\n\nevent: end");
    for (String nonsense : List.of("-1", "x", "99999999999")) {
      assertThat(get("/chat/" + g.id() + "/events?after=" + nonsense, "X-User", "ann").body())
          .startsWith("id: 13\nevent: delta\ndata: {\"text\":\"one two three\"}\n\n");
    }
    assertThat(get("/chat/" + g.id() + "/events?after=13", "X-User", "ann").body())
        .startsWith("event: end");
  }

  @Test
  void an_image_page_shows_its_images_and_an_error_page_its_type_message_and_partial_text()
      throws Exception {
    Generation picture =
        genvault.generate(
            GenerationRequest.image("demo", "a square").toBuilder().userId("ann").build(),
            DemoModel.create(Duration.ZERO, 1));
    assertThat(get("/image/" + picture.id(), "X-User", "ann").body())
        .contains("<img src=\"../image/" + picture.id() + "/0\" alt=\"image 1\">");

    ModelClient failing =
        call -> {
          call.emit("half an answer");
          throw new ProviderException(ErrorType.RATE_LIMITED, "429: slow <down>");
        };
    String id;
    try {
      genvault.generate(chat("ann", "fail"), failing);
      throw new AssertionError("expected a failure");
    } catch (dev.genvault.GenerationFailedException e) {
      id = e.generationId();
    }
    assertThat(get("/chat/" + id, "X-User", "ann").body())
        .contains("<dd id=\"status\">error (rate_limited)</dd>")
        .contains("<strong>rate_limited</strong>: 429: slow &lt;down&gt;")
        .contains(">\nhalf an answer</pre>");
  }
}
