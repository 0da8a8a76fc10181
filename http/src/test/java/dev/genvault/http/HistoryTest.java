package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.ProviderException;
import dev.genvault.Usage;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /generations}: the caller's history and spend, as a page and as JSON, over HTTP. */
class HistoryTest {
  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
  private static final JsonAdapter<Map<String, Object>> JSON =
      new Moshi.Builder()
          .build()
          .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));

  private final RouteTestStore store = new RouteTestStore();
  private final SettableClock clock = new SettableClock(NOW);
  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicReference<String> hiddenId = new AtomicReference<>();
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private String base;

  /** A clock the test moves: the generations' creation times. */
  static final class SettableClock extends Clock {
    private final AtomicReference<Instant> now;

    SettableClock(Instant now) {
      this.now = new AtomicReference<>(now);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  @BeforeEach
  void start() throws Exception {
    genvault =
        PersistentGenerator.builder().store(store).cache(DedupCache.none()).clock(clock).build();
    // X-User names the caller; generations whose user is "hidden" are refused by the authorizer.
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .authorizer(
                (exchange, owner) -> {
                  String user = exchange.getRequestHeaders().getFirst("X-User");
                  boolean own = user != null && user.equals(owner.userId());
                  return own && !owner.id().equals(hiddenId.get())
                      ? Visibility.FULL
                      : Visibility.NONE;
                })
            .history(
                exchange -> {
                  String user = exchange.getRequestHeaders().getFirst("X-User");
                  if ("broken".equals(user)) {
                    throw new IllegalStateException("session store down");
                  }
                  return user == null ? null : Caller.user(user);
                })
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
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

  private Map<String, Object> json(String path, String user) throws Exception {
    HttpResponse<String> r = get(path, "X-User", user, "Accept", "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(Answers.JSON);
    return JSON.fromJson(r.body());
  }

  private static ModelClient answering(String text, long in, long out) {
    return call -> {
      call.emit(text);
      return ModelResult.builder().finishReason("stop").usage(Usage.of(in, out)).build();
    };
  }

  private Generation make(String user, String model, String text, Instant at) {
    clock.set(at);
    return genvault.generate(
        GenerationRequest.builder().model(model).prompt("q").userId(user).build(),
        answering(text, 100, 50));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> m, String name) {
    return (List<Map<String, Object>>) m.get(name);
  }

  @Test
  void pages_through_the_callers_generations_newest_first_and_nobody_elses() throws Exception {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      made.add(make("ann", "gpt-4o-mini", "answer " + i, NOW.minusSeconds(600L * (120 - i))).id());
      make("bob", "gpt-4o-mini", "bob's " + i, NOW.minusSeconds(600L * (120 - i)));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      String path = "/generations?limit=50" + (cursor == null ? "" : "&cursor=" + enc(cursor));
      Map<String, Object> page = json(path, "ann");
      for (Map<String, Object> row : list(page, "generations")) {
        seen.add((String) row.get("id"));
        assertThat(row.get("url")).isEqualTo("/generate/" + row.get("id"));
        assertThat((String) row.get("textStart")).startsWith("answer ");
      }
      cursor = (String) page.get("nextCursor");
      pages++;
    } while (cursor != null);

    List<String> newestFirst = new ArrayList<>(made);
    java.util.Collections.reverse(newestFirst);
    assertThat(seen).containsExactlyElementsOf(newestFirst);
    assertThat(pages).isEqualTo(3);
  }

  @Test
  void the_page_links_each_row_and_the_next_page_keeping_the_filters() throws Exception {
    for (int i = 0; i < 3; i++) {
      make("ann", "gpt-4o-mini", "line " + i, NOW.minusSeconds(60L * (3 - i)));
    }
    HttpResponse<String> r = get("/generations?limit=2&model=gpt-4o-mini", "X-User", "ann");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).contains(GenerationPage.HTML);
    assertThat(r.headers().firstValue("Content-Security-Policy")).contains(GenerationPage.CSP);
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Referrer-Policy")).contains("same-origin");
    assertThat(r.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(r.headers().allValues("Vary")).contains("Accept");
    assertThat(r.body()).doesNotContain("<script");
    // Submissions are off here: the page links to itself only.
    assertThat(r.body())
        .contains("<nav class=\"site\"><a href=\"./generations\">History</a></nav>")
        .doesNotContain("New generation");
    assertThat(count(r.body(), "<tr data-id=")).isEqualTo(2);
    Matcher next = Pattern.compile("id=\"next\" rel=\"next\" href=\"([^\"]+)\"").matcher(r.body());
    assertThat(next.find()).isTrue();
    String href = next.group(1).replace("&amp;", "&");
    assertThat(href).startsWith("generations?model=gpt-4o-mini&limit=2&cursor=");

    HttpResponse<String> older = get("/" + href, "X-User", "ann");
    assertThat(count(older.body(), "<tr data-id=")).isEqualTo(1);
    assertThat(older.body()).contains("line 0").doesNotContain("id=\"next\"").contains(">Newest<");
    assertThat(older.body()).contains("href=\"generate/");
  }

  @Test
  void filters_by_model_status_and_date_range() throws Exception {
    Instant day1 = Instant.parse("2026-11-01T10:00:00Z");
    Instant day2 = Instant.parse("2026-11-02T23:59:59Z");
    Instant day3 = Instant.parse("2026-11-03T00:00:00Z");
    String a = make("ann", "gpt-4o-mini", "a", day1).id();
    String b = make("ann", "gpt-4o", "b", day2).id();
    String c = make("ann", "gpt-4o-mini", "c", day3).id();
    clock.set(day2.minusSeconds(3600));
    String failed =
        assertThatThrownBy(
                () ->
                    genvault.generate(
                        GenerationRequest.builder()
                            .model("gpt-4o")
                            .prompt("q")
                            .userId("ann")
                            .build(),
                        call -> {
                          call.emit("half");
                          throw new ProviderException(ErrorType.RATE_LIMITED, "slow down");
                        }))
            .asInstanceOf(type(GenerationFailedException.class))
            .actual()
            .generationId();

    assertThat(ids("/generations?model=gpt-4o-mini")).containsExactly(c, a);
    assertThat(ids("/generations?status=error")).containsExactly(failed);
    assertThat(ids("/generations?status=complete&model=gpt-4o")).containsExactly(b);
    assertThat(ids("/generations?from=2026-11-02&to=2026-11-02")).containsExactly(b, failed);
    assertThat(ids("/generations?from=2026-11-02")).containsExactly(c, b, failed);
    assertThat(ids("/generations?to=2026-11-01")).containsExactly(a);
    // One end alone bounds the list on that side only, however far the other side is.
    String old = make("ann", "gpt-4o-mini", "old", Instant.parse("2020-01-01T00:00:00Z")).id();
    assertThat(ids("/generations?to=2026-11-01")).containsExactly(a, old);
    assertThat(ids("/generations?from=2020-01-01")).hasSize(5);
    assertThat(ids("/generations?model=&status=&from=&to=")).containsExactly(c, b, failed, a, old);

    String page = get("/generations?status=error", "X-User", "ann").body();
    assertThat(page).contains("error (rate_limited)").contains("half");
    assertThat(page).contains("<option selected>error</option>");
  }

  private List<String> ids(String path) throws Exception {
    List<String> ids = new ArrayList<>();
    for (Map<String, Object> row : list(json(path, "ann"), "generations")) {
      ids.add((String) row.get("id"));
    }
    return ids;
  }

  @Test
  void the_spend_of_the_range_sums_by_model_and_by_day_and_the_chart_draws_every_day()
      throws Exception {
    make("ann", "gpt-4o-mini", "x", Instant.parse("2026-11-28T10:00:00Z"));
    make("ann", "gpt-4o-mini", "x", Instant.parse("2026-11-28T11:00:00Z"));
    make("ann", "gpt-4o", "x", Instant.parse("2026-11-20T10:00:00Z"));
    make("ann", "demo-unpriced-model", "x", Instant.parse("2026-11-21T10:00:00Z"));
    make("ann", "gpt-4o", "too old", Instant.parse("2026-10-01T10:00:00Z"));
    make("bob", "gpt-4o", "not ann's", Instant.parse("2026-11-28T10:00:00Z"));

    Map<String, Object> body = json("/generations", "ann");
    @SuppressWarnings("unchecked")
    Map<String, Object> spend = (Map<String, Object>) body.get("spend");
    // No range given: the last 30 days by the routes' clock; the list is not limited to it.
    assertThat(spend.get("from")).isEqualTo("2026-10-31");
    assertThat(spend.get("to")).isEqualTo("2026-11-29");
    assertThat(list(body, "generations")).hasSize(5);
    assertThat(spend.get("generations")).isEqualTo(4.0);
    assertThat(spend.get("inputTokens")).isEqualTo(400.0);
    assertThat(spend.get("outputTokens")).isEqualTo(200.0);

    BigDecimal total = new BigDecimal((String) spend.get("costUsd"));
    assertThat(total).isPositive();
    BigDecimal byModel = BigDecimal.ZERO;
    for (Map<String, Object> row : list(spend, "byModel")) {
      byModel = byModel.add(new BigDecimal((String) row.get("costUsd")));
    }
    BigDecimal byDay = BigDecimal.ZERO;
    List<String> days = new ArrayList<>();
    for (Map<String, Object> row : list(spend, "byDay")) {
      byDay = byDay.add(new BigDecimal((String) row.get("costUsd")));
      days.add((String) row.get("day"));
    }
    assertThat(byModel).isEqualByComparingTo(total);
    assertThat(byDay).isEqualByComparingTo(total);
    assertThat(days).containsExactly("2026-11-20", "2026-11-21", "2026-11-28");
    assertThat(list(spend, "byModel"))
        .extracting(m -> m.get("model"))
        .containsExactly("demo-unpriced-model", "gpt-4o", "gpt-4o-mini");
    Map<String, Object> unpriced = list(spend, "byModel").get(0);
    assertThat(unpriced.get("costUsd")).isEqualTo("0");
    assertThat(unpriced.get("generations")).isEqualTo(1.0);
    assertThat(unpriced.get("unpriced")).isEqualTo(1.0);
    assertThat(spend.get("unpriced")).isEqualTo(1.0);

    String page = get("/generations", "X-User", "ann").body();
    Matcher bars =
        Pattern.compile("height=\"([0-9.]+)\" data-day=\"([0-9-]+)\" data-usd=\"([0-9.]+)\"")
            .matcher(page);
    BigDecimal drawn = BigDecimal.ZERO;
    Set<String> drawnDays = new HashSet<>();
    Map<Double, Double> heights = new java.util.HashMap<>();
    while (bars.find()) {
      drawn = drawn.add(new BigDecimal(bars.group(3)));
      drawnDays.add(bars.group(2));
      heights.put(Double.parseDouble(bars.group(3)), Double.parseDouble(bars.group(1)));
    }
    // Each bar is as tall as its spend, the largest at the top of the box (98 of 100 units).
    double max = heights.keySet().stream().mapToDouble(d -> d).max().orElseThrow();
    assertThat(max).isPositive();
    heights.forEach(
        (usd, height) -> assertThat(height).as("$" + usd).isCloseTo(usd / max * 98, within(0.01)));
    assertThat(heights).containsEntry(0.0, 0.0);
    assertThat(drawnDays).hasSize(30).contains("2026-10-31", "2026-11-29");
    assertThat(drawn).isEqualByComparingTo(total);
    assertThat(page).contains("id=\"total-cost\" data-usd=\"" + total.toPlainString() + "\"");
    assertThat(page).contains("<td>unpriced</td>");
    // The summary says what its sums leave out, and a model without a price is not "$0".
    assertThat(page)
        .contains("(1 unpriced, not in the sum)")
        .contains(
            "<tr><td>demo-unpriced-model</td><td>1</td><td>100</td><td>50</td><td>unpriced</td>");

    // A model filter narrows the summary too.
    @SuppressWarnings("unchecked")
    Map<String, Object> mini =
        (Map<String, Object>) json("/generations?model=gpt-4o-mini", "ann").get("spend");
    assertThat(mini.get("generations")).isEqualTo(2.0);
    assertThat(list(mini, "byModel")).hasSize(1);
    // An explicit range covers the old one and limits the list as well.
    Map<String, Object> october = json("/generations?from=2026-10-01&to=2026-10-01", "ann");
    assertThat(list(october, "generations")).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> octoberSpend = (Map<String, Object>) october.get("spend");
    assertThat(octoberSpend.get("generations")).isEqualTo(1.0);
  }

  @Test
  void generated_text_and_model_names_are_escaped() throws Exception {
    make("ann", "<img src=x onerror=alert(1)>", "<script>alert('x')</script> & more", NOW);
    String page = get("/generations", "X-User", "ann").body();
    assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x");
    assertThat(page).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more");
    assertThat(page).contains("&lt;img src=x onerror=alert(1)&gt;");
  }

  @Test
  void a_long_text_is_cut_to_its_start_on_one_line() throws Exception {
    String text = "first line\n\n" + "y".repeat(300);
    make("ann", "gpt-4o-mini", text, NOW);
    String start =
        (String) list(json("/generations", "ann"), "generations").get(0).get("textStart");
    assertThat(start).startsWith("first line yyy").endsWith("…");
    assertThat(start).hasSize(HistoryPage.PREVIEW_CHARS + 1);
  }

  @Test
  void nobody_signed_in_a_failing_resolver_and_rows_the_authorizer_refuses_are_not_shown()
      throws Exception {
    Generation shown = make("ann", "gpt-4o-mini", "shown", NOW);
    Generation hidden = make("ann", "gpt-4o-mini", "hidden", NOW.plusSeconds(1));
    hiddenId.set(hidden.id());

    assertThat(get("/generations").statusCode()).isEqualTo(404);
    assertThat(get("/generations", "X-User", "broken").statusCode()).isEqualTo(404);
    assertThat(ids("/generations")).containsExactly(shown.id());
    assertThat(get("/generations", "X-User", "ann").body()).doesNotContain(hidden.id());
    // The spend, summed by the store, counts every generation of the caller's user.
    @SuppressWarnings("unchecked")
    Map<String, Object> spend = (Map<String, Object>) json("/generations", "ann").get("spend");
    assertThat(spend.get("generations")).isEqualTo(2.0);
  }

  @Test
  void bad_filters_are_400_with_a_short_message_and_only_get_and_head_are_allowed()
      throws Exception {
    String[][] bad = {
      {"status=done", "status must be one of pending, streaming, complete, error"},
      {"from=yesterday", "from must be a date like 2026-01-31"},
      {"to=2026-13-01", "to must be a date like 2026-01-31"},
      {"from=1969-12-31", "from must be a date from 1970-01-01 to 9999-12-30"},
      {"to=%2B999999999-12-31", "to must be a date from 1970-01-01 to 9999-12-30"},
      {"from=2026-11-02&to=2026-11-01", "from must not be after to"},
      {"limit=0", "limit must be a number from 1 to 200"},
      {"limit=abc", "limit must be a number from 1 to 200"},
      {"limit=201", "limit must be a number from 1 to 200"},
      {"cursor=not-a-cursor", "not a valid page cursor"},
      {"cursor=OTIyMzM3MjAzNjg1NS4wLng", "not a valid page cursor"}, // a time no store holds
      {"threads=2", "threads must be 1 or 0"},
      {"model=" + "m".repeat(257), "model is at most 256 characters"},
    };
    for (String[] e : bad) {
      HttpResponse<String> r = get("/generations?" + e[0], "X-User", "ann");
      assertThat(r.statusCode()).as(e[0]).isEqualTo(400);
      assertThat(r.body()).as(e[0]).isEqualTo(e[1] + "\n");
    }
    // A malformed escape, which no URI class sends: the JDK's server refuses it before the routes.
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", URI.create(base).getPort())) {
      socket
          .getOutputStream()
          .write(
              ("GET /generations?model=%zz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-User: ann\r\n"
                      + "Connection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 400");
    }
    // A range longer than a year lists all of it; its summary is its last 366 days.
    @SuppressWarnings("unchecked")
    Map<String, Object> spend =
        (Map<String, Object>)
            json("/generations?from=2020-01-01&to=2026-11-29", "ann").get("spend");
    assertThat(spend.get("from")).isEqualTo("2025-11-29");
    assertThat(spend.get("to")).isEqualTo("2026-11-29");

    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/generations"))
                .header("X-User", "ann")
                .POST(HttpRequest.BodyPublishers.ofString(""))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");

    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/generations"))
                .header("X-User", "ann")
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Type")).contains(GenerationPage.HTML);
    assertThat(head.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(head.headers().firstValue("Content-Security-Policy")).contains(GenerationPage.CSP);
  }

  @Test
  void a_store_outage_is_a_503_that_says_nothing_of_it() throws Exception {
    make("ann", "gpt-4o-mini", "x", NOW);
    store.readFailure = new PersistenceException("db down: secret detail", null);
    for (String accept : List.of("text/html", "application/json")) {
      HttpResponse<String> r = get("/generations", "X-User", "ann", "Accept", accept);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("{\"error\":\"unavailable\"}");
    }
    store.readFailure = new IllegalStateException("a bug");
    assertThat(get("/generations", "X-User", "ann").statusCode()).isEqualTo(500);
  }

  @Test
  void the_history_shows_where_the_callers_budgets_stand() throws Exception {
    try (PersistentGenerator budgeted =
            PersistentGenerator.builder()
                .store(GenerationStore.inMemory())
                .cache(DedupCache.none())
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .budgets(
                    dev.genvault.Budgets.builder()
                        .ledger(dev.genvault.spi.BudgetLedger.inMemory())
                        .add(dev.genvault.Budget.perUser("5", dev.genvault.Budget.Period.DAY))
                        .build())
                .build();
        GenerationRoutes routes =
            GenerationRoutes.builder()
                .generator(budgeted)
                .authorizer(Authorizer.allowAll())
                .history(exchange -> Caller.user("ann"))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC))
                .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      budgeted.generate(
          GenerationRequest.builder()
              .model("gpt-4o-mini")
              .prompt("q")
              .maxOutputTokens(100)
              .userId("ann")
              .build(),
          answering("a", 1_000_000, 0)); // $0.15 at $0.15 per million input tokens
      String url = "http://127.0.0.1:" + routes.address().orElseThrow().getPort() + "/generations";
      String page = TestRequests.get(url).body();
      assertThat(page)
          .contains("Budget $5 a day per user for ann: $0.15 spent, $0 reserved")
          .contains("$4.85 left; it starts again at 2026-11-30 00:00 UTC");
      Map<String, Object> json =
          JSON.fromJson(TestRequests.get(url, "Accept", "application/json").body());
      Map<String, Object> budget = list(json, "budgets").get(0);
      assertThat(budget.get("spentUsd")).isEqualTo("0.15");
      assertThat(budget.get("remainingUsd")).isEqualTo("4.85");
      assertThat(budget.get("resetsAt")).isEqualTo("2026-11-30T00:00:00Z");
    }
  }

  @Test
  void without_a_resolver_there_is_no_history() throws Exception {
    try (GenerationRoutes plain =
        GenerationRoutes.builder()
            .generator(genvault)
            .authorizer(Authorizer.allowAll())
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      int port = plain.address().orElseThrow().getPort();
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/generations"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(404);
    }
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
