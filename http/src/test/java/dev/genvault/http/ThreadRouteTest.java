package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.squareup.moshi.JsonReader;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.ThreadLink;
import dev.genvault.Usage;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.Threads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code /chat/{id}} lists the thread the generation belongs to. */
class ThreadRouteTest {
  private final GenerationStore store = GenerationStore.inMemory();
  private final HttpClient http = HttpClient.newHttpClient();
  private volatile Authorizer authorizer = Authorizer.allowAll();
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private String base;
  private final ModelClient model =
      ModelClient.of(
          "test",
          call -> {
            call.emit("answer " + call.request().messages().size());
            return ModelResult.builder().finishReason("stop").usage(Usage.of(10, 5)).build();
          });

  @BeforeEach
  void start() throws Exception {
    genvault = PersistentGenerator.builder().store(store).cache(DedupCache.none()).build();
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .authorizer((exchange, owner) -> authorizer.visibility(exchange, owner))
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    base = "http://127.0.0.1:" + routes.address().orElseThrow().getPort();
  }

  @AfterEach
  void stop() {
    routes.close();
    genvault.close();
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> thread(String id) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/chat/" + id))
                .header("Accept", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    Map<String, Object> json =
        (Map<String, Object>) JsonReader.of(new Buffer().writeUtf8(r.body())).readJsonValue();
    return (Map<String, Object>) json.get("thread");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> turns(Map<String, Object> thread) {
    return (List<Map<String, Object>>) thread.get("turns");
  }

  /** Three answered turns; the third adds a system message of its own. */
  private List<Generation> conversation() {
    List<Message> messages = new ArrayList<>();
    List<Generation> turns = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      if (t == 2) {
        messages.add(Message.system("SYSTEM-NOTE"));
      }
      messages.add(Message.user("q" + t));
      turns.add(
          genvault.generate(
              GenerationRequest.builder()
                  .model("gpt-4o-mini")
                  .messages(messages)
                  .userId("alice")
                  .build(),
              model));
      messages.add(Message.assistant(turns.get(t).text()));
    }
    return turns;
  }

  @Test
  void a_chat_lists_every_turn_of_its_thread_with_status_cost_link_and_what_it_added()
      throws Exception {
    List<Generation> done = conversation();
    Generation last = done.get(2);
    List<Message> more = new ArrayList<>(Threads.passedOn(last.request(), last.text()));
    more.add(Message.user("still thinking?"));
    Generation live =
        Generation.builder()
            .id("live-turn-0000000001")
            .request(
                GenerationRequest.builder()
                    .model("gpt-4o-mini")
                    .messages(more)
                    .userId("alice")
                    .build())
            .createdAt(Instant.now())
            .link(new ThreadLink(last.id(), done.get(0).id(), more.size() - 1))
            .build();
    store.insert(live);

    for (Generation g : List.of(done.get(0), done.get(1), live)) {
      Map<String, Object> thread = thread(g.id());
      assertThat(thread.get("id")).isEqualTo(done.get(0).id());
      List<Map<String, Object>> turns = turns(thread);
      assertThat(turns)
          .extracting(t -> t.get("id"))
          .containsExactly(done.get(0).id(), done.get(1).id(), last.id(), live.id());
      assertThat(turns.get(0).get("messages"))
          .isEqualTo(List.of(Map.of("role", "user", "content", "q0")));
      assertThat(turns.get(1).get("messages"))
          .isEqualTo(List.of(Map.of("role", "user", "content", "q1")));
      assertThat(turns.get(1).get("text")).isEqualTo(done.get(1).text());
      assertThat(turns.get(1).get("status")).isEqualTo("complete");
      assertThat(turns.get(1).get("url")).isEqualTo("/chat/" + done.get(1).id());
      assertThat(turns.get(1).get("costUsd")).isEqualTo(done.get(1).cost().usd().toPlainString());
      assertThat(turns.get(1)).doesNotContainKey("events");
      assertThat(turns.get(3).get("status")).isEqualTo("pending");
      assertThat(turns.get(3).get("events")).isEqualTo("/chat/" + live.id() + "/events");
      assertThat(turns.get(3).get("messages"))
          .isEqualTo(List.of(Map.of("role", "user", "content", "still thinking?")));
      @SuppressWarnings("unchecked")
      Map<String, Object> totals = (Map<String, Object>) thread.get("totals");
      assertThat(totals.get("generations")).isEqualTo(4.0);
      assertThat(totals.get("inputTokens")).isEqualTo(30.0);
      assertThat(totals.get("outputTokens")).isEqualTo(15.0);
      assertThat(new java.math.BigDecimal((String) totals.get("costUsd")))
          .isEqualByComparingTo(done.get(0).cost().usd().multiply(java.math.BigDecimal.valueOf(3)));
      assertThat(thread.get("complete")).isEqualTo(true);
    }
  }

  @Test
  void the_public_view_of_a_thread_leaves_out_system_messages_and_hidden_turns_are_left_out()
      throws Exception {
    List<Generation> done = conversation();
    authorizer = (exchange, owner) -> Visibility.PUBLIC;
    assertThat(turns(thread(done.get(0).id())).get(2).get("messages"))
        .isEqualTo(List.of(Map.of("role", "user", "content", "q2")));
    authorizer = Authorizer.allowAll();
    assertThat(turns(thread(done.get(0).id())).get(2).get("messages").toString())
        .contains("SYSTEM-NOTE");

    String hidden = done.get(1).id();
    authorizer = (exchange, owner) -> owner.id().equals(hidden) ? Visibility.NONE : Visibility.FULL;
    assertThat(turns(thread(done.get(2).id())))
        .extracting(t -> t.get("id"))
        .containsExactly(done.get(0).id(), done.get(2).id());
  }

  @Test
  void a_chats_page_lists_its_turns_and_its_validator_changes_with_them() throws Exception {
    List<Generation> done = conversation();
    String middle = done.get(1).id();
    HttpResponse<String> page = TestRequests.get(base + "/chat/" + middle);
    assertThat(page.body()).contains("<h2>This conversation</h2>");
    for (Generation turn : done) {
      assertThat(page.body())
          .contains("data-id=\"" + turn.id() + "\"><a href=\"../chat/" + turn.id() + "\">");
    }
    assertThat(page.body())
        .contains(
            "<li class=\"self\" aria-current=\"page\" data-id=\""
                + middle
                + "\"><a href=\"../chat/"
                + middle
                + "\">q1</a> <span class=\"status\">complete</span> <span class=\"cost\">$"
                + done.get(1).cost().usd().toPlainString()
                + "</span> <span class=\"here\">(this turn)</span></li>");
    String etag = page.headers().firstValue("ETag").orElseThrow();
    assertThat(TestRequests.get(base + "/chat/" + middle, "If-None-Match", etag).statusCode())
        .isEqualTo(304);

    // A new turn: the same generation's page is not the same page any more.
    List<Message> next =
        new ArrayList<>(Threads.passedOn(done.get(2).request(), done.get(2).text()));
    next.add(Message.user("<b>and then?</b>"));
    genvault.generate(
        GenerationRequest.builder().model("gpt-4o-mini").messages(next).userId("alice").build(),
        model);
    HttpResponse<String> again = TestRequests.get(base + "/chat/" + middle, "If-None-Match", etag);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).contains("&lt;b&gt;and then?&lt;/b&gt;").doesNotContain("<b>and");
    // A chat of one turn lists nothing.
    Generation alone =
        genvault.generate(
            GenerationRequest.builder()
                .model("gpt-4o-mini")
                .messages(List.of(Message.user("just one")))
                .userId("carol")
                .build(),
            model);
    assertThat(TestRequests.get(base + "/chat/" + alone.id()).body())
        .doesNotContain("This conversation");
  }
}
