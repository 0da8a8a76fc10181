package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelCall;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Generate, then redirect: posts to /generate and /chat, and every way one is refused. */
class SubmissionTest {
  private final GenerationStore store = GenerationStore.inMemory();
  private final HttpClient http = HttpClient.newHttpClient(); // follows no redirect
  private final AtomicInteger calls = new AtomicInteger();
  private final ModelClient model =
      new ModelClient() {
        private final ModelClient demo = DemoModel.create(Duration.ZERO, 4);

        @Override
        public ModelResult generate(ModelCall call) throws Exception {
          calls.incrementAndGet();
          return demo.generate(call);
        }
      };
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private String base;

  /** The app's policy: a signed-in user (X-User), its own model, and a quota word. */
  private final SubmissionPolicy policy =
      (exchange, posted) -> {
        String user = exchange.getRequestHeaders().getFirst("X-User");
        if (user == null) {
          throw new SubmissionRefusedException(400, "sign in first");
        }
        if ("over-quota".equals(user)) {
          throw new SubmissionRefusedException(429, "too many generations today");
        }
        if ("busy".equals(user)) {
          throw new SubmissionRefusedException("busy, try again soon", Duration.ofMillis(1500));
        }
        GenerationRequest.Builder b =
            GenerationRequest.builder().model("demo").userId(user); // the model is the app's
        return posted.messages().isEmpty()
            ? b.prompt(posted.prompt()).build()
            : b.messages(posted.messages()).build();
      };

  @BeforeEach
  void start() throws Exception {
    genvault = PersistentGenerator.builder().store(store).cache(DedupCache.none()).build();
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .authorizer(
                (exchange, owner) ->
                    owner.userId() != null
                            && owner
                                .userId()
                                .equals(exchange.getRequestHeaders().getFirst("X-User"))
                        ? Visibility.FULL
                        : Visibility.NONE)
            .submissions(policy, model)
            .maxSubmissionBytes(4096)
            .allowedOrigins("https://App.Example.com:443", "http://127.0.0.1:9000")
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    base = "http://127.0.0.1:" + routes.address().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    routes.close();
    genvault.close();
  }

  private HttpResponse<String> post(String path, String type, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static final String FORM = "application/x-www-form-urlencoded";

  @Test
  void a_posted_form_starts_the_generation_and_redirects_to_its_page_at_once() throws Exception {
    HttpResponse<String> r =
        post(
            "/generate",
            FORM,
            "model=gpt-5&prompt=Write+a+haiku+%26+more",
            "X-User",
            "ann",
            "Sec-Fetch-Site",
            "same-origin",
            "Origin",
            base);
    assertThat(r.statusCode()).isEqualTo(303);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).matches("generate/[A-Za-z0-9_-]{21}");
    String id = location.substring("generate/".length());
    assertThat(r.body()).isEqualTo("{\"id\":\"" + id + "\"}");
    Generation g = genvault.follow(id).result();
    assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(g.request().prompt()).isEqualTo("Write a haiku & more");
    assertThat(g.request().model()).as("the app chose the model").isEqualTo("demo");
    assertThat(g.userId()).isEqualTo("ann");

    HttpResponse<String> page =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/" + location))
                .header("X-User", "ann")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("Write a haiku &amp; more");
  }

  @Test
  void posted_json_with_messages_is_a_chat() throws Exception {
    HttpResponse<String> r =
        post(
            "/chat",
            "application/json",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"extra\":{\"x\":1}}",
            "X-User",
            "ann");
    assertThat(r.statusCode()).isEqualTo(303);
    String location = r.headers().firstValue("Location").orElseThrow();
    assertThat(location).startsWith("chat/");
    Generation g = genvault.follow(location.substring(5)).result();
    assertThat(g.request().messages()).hasSize(1);
  }

  @Test
  void refusals_are_a_status_and_a_short_message_and_call_nothing() throws Exception {
    assertThat(post("/generate", FORM, "prompt=hi").statusCode()).isEqualTo(400);
    assertThat(post("/generate", FORM, "prompt=hi").body()).isEqualTo("sign in first\n");
    HttpResponse<String> quota = post("/generate", FORM, "prompt=hi", "X-User", "over-quota");
    assertThat(quota.statusCode()).isEqualTo(429);
    assertThat(quota.body()).isEqualTo("too many generations today\n");
    assertThat(quota.headers().firstValue("Retry-After")).isEmpty();
    HttpResponse<String> busy = post("/generate", FORM, "prompt=hi", "X-User", "busy");
    assertThat(busy.statusCode()).isEqualTo(429);
    assertThat(busy.body()).isEqualTo("busy, try again soon\n");
    assertThat(busy.headers().firstValue("Retry-After")).contains("2");
    // No prompt: the request itself is not valid.
    assertThat(post("/generate", FORM, "model=x", "X-User", "ann").statusCode()).isEqualTo(400);
    assertThat(post("/generate", "text/plain", "hi", "X-User", "ann").statusCode()).isEqualTo(400);
    HttpResponse<String> escape = post("/generate", FORM, "prompt=%zz", "X-User", "ann");
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(escape.body()).isEqualTo("malformed request: a malformed %-escape\n");
    for (String json :
        java.util.List.of(
            "{\"prompt\":",
            "[]",
            "{\"messages\":5}",
            "{\"messages\":[{\"role\":{}}]}",
            "{\"prompt\":\"hi\"} trailing")) {
      HttpResponse<String> r = post("/generate", "application/json", json, "X-User", "ann");
      assertThat(r.statusCode()).as(json).isEqualTo(400);
      // Short, and nothing of the parser's own words (paths, token names).
      assertThat(r.body()).as(json).startsWith("malformed request: ").doesNotContain("$", "BEGIN");
    }
    HttpResponse<String> big =
        post("/generate", FORM, "prompt=" + "x".repeat(5000), "X-User", "ann");
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(calls).hasValue(0);
    assertThat(store.list(dev.genvault.GenerationQuery.builder().build()).items()).isEmpty();
  }

  /** Routes whose generator limits each user to {@code usd} a day, at $1 per million tokens. */
  private GenerationRoutes budgeted(String usd, ModelClient client) throws Exception {
    return budgeted(
        usd,
        client,
        dev.genvault.cost.Pricing.builder()
            .override("demo", dev.genvault.cost.ModelPrice.of("1", "1"))
            .build());
  }

  private GenerationRoutes budgeted(
      String usd, ModelClient client, dev.genvault.CostCalculator costs) throws Exception {
    PersistentGenerator g =
        PersistentGenerator.builder()
            .store(GenerationStore.inMemory())
            .cache(DedupCache.none())
            .costCalculator(costs)
            .budgets(
                dev.genvault.Budgets.builder()
                    .ledger(dev.genvault.spi.BudgetLedger.inMemory())
                    .add(dev.genvault.Budget.perUser(usd, dev.genvault.Budget.Period.DAY))
                    .build())
            .build();
    budgetedGenerators.add(g);
    return GenerationRoutes.builder()
        .generator(g)
        .authorizer(Authorizer.allowAll())
        .submissions(policy, client)
        .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
  }

  private final java.util.List<PersistentGenerator> budgetedGenerators =
      new java.util.ArrayList<>();

  private HttpResponse<String> postTo(GenerationRoutes routes) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + routes.address().orElseThrow().getPort() + "/generate"))
            .header("Content-Type", FORM)
            .header("X-User", "ann")
            .POST(HttpRequest.BodyPublishers.ofString("prompt=hi"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void a_post_over_the_callers_budget_is_a_429_until_it_resets_or_a_403_if_it_never_fits()
      throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ModelClient waiting =
        call -> {
          calls.incrementAndGet();
          release.await(30, java.util.concurrent.TimeUnit.SECONDS);
          return ModelResult.builder().build();
        };
    // Each post may cost about $0.0043 (4,096 output tokens and its input at $1 per million).
    try (GenerationRoutes roomy = budgeted("0.006", waiting);
        GenerationRoutes tiny = budgeted("0.000001", waiting);
        GenerationRoutes unpriced =
            budgeted("1", waiting, dev.genvault.cost.Pricing.builder().build())) {
      assertThat(postTo(roomy).statusCode()).isEqualTo(303);
      HttpResponse<String> second = postTo(roomy); // the first holds its reservation
      assertThat(second.statusCode()).isEqualTo(429);
      assertThat(second.body()).startsWith("over budget ($0.006 a day per user) until ");
      long retryAfter = Long.parseLong(second.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 86_401L);

      HttpResponse<String> never = postTo(tiny);
      assertThat(never.statusCode()).isEqualTo(403);
      assertThat(never.body()).contains("more than the whole budget");
      assertThat(never.headers().firstValue("Retry-After")).isEmpty();

      // A model without a price cannot be budgeted: a setting to fix, not a 503 to retry.
      HttpResponse<String> noPrice = postTo(unpriced);
      assertThat(noPrice.statusCode()).isEqualTo(500);
      assertThat(noPrice.body()).isEqualTo("this model cannot be used under a budget\n");
      assertThat(calls).hasValue(1);
    } finally {
      release.countDown();
      budgetedGenerators.forEach(PersistentGenerator::close);
    }
  }

  @Test
  void cross_site_posts_are_refused() throws Exception {
    assertThat(
            post("/generate", FORM, "prompt=hi", "X-User", "ann", "Sec-Fetch-Site", "cross-site")
                .statusCode())
        .isEqualTo(403);
    assertThat(
            post("/generate", FORM, "prompt=hi", "X-User", "ann", "Origin", "https://evil.test")
                .statusCode())
        .isEqualTo(403);
    assertThat(post("/generate", FORM, "prompt=hi", "X-User", "ann", "Origin", "null").statusCode())
        .isEqualTo(403);
    assertThat(calls).hasValue(0);
  }

  @Test
  void an_allowed_origin_may_post_behind_a_proxy_that_changes_the_host() throws Exception {
    HttpResponse<String> r =
        post("/generate", FORM, "prompt=hi", "X-User", "ann", "Origin", "https://app.example.com");
    assertThat(r.statusCode()).isEqualTo(303);
    // Listed origins may post whatever the browser calls their site; the case does not matter.
    for (String origin : java.util.List.of("HTTPS://APP.example.com", "http://127.0.0.1:9000")) {
      HttpResponse<String> listed =
          post(
              "/generate",
              FORM,
              "prompt=hi",
              "X-User",
              "ann",
              "Origin",
              origin,
              "Sec-Fetch-Site",
              "cross-site");
      assertThat(listed.statusCode()).as(origin).isEqualTo(303);
    }
    for (String other :
        java.util.List.of(
            "http://app.example.com", "https://app.example.com:8443", "http://127.0.0.1:9001")) {
      HttpResponse<String> refused =
          post("/generate", FORM, "prompt=hi", "X-User", "ann", "Origin", other);
      assertThat(refused.statusCode()).as(other).isEqualTo(403);
    }
    for (String bad :
        java.util.List.of(
            "https://app.example.com/",
            "ftp://app.example.com",
            "app.example.com",
            "https://",
            "https://app.example.com:",
            "https://user@app.example.com")) {
      assertThatThrownBy(() -> GenerationRoutes.builder().allowedOrigins(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("origin");
    }
    assertThatThrownBy(() -> new SubmissionRefusedException("wait", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void the_form_page_posts_to_the_route_and_other_methods_are_refused() throws Exception {
    HttpResponse<String> form =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/generate")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(form.body())
        .contains("<form method=\"post\" action=\"generate\"")
        .doesNotContain("<script");
    assertThat(form.headers().firstValue("Content-Security-Policy")).contains(GenerationPage.CSP);
    HttpResponse<String> put =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/generate"))
                .PUT(HttpRequest.BodyPublishers.ofString("x"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).isEqualTo(405);
  }
}
