package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.PriceSource;
import dev.genvault.cost.Pricing;
import dev.genvault.jdbc.JdbcGenerationStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {
  @TempDir Path data;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  private Generation[] run(Map<String, String> env) {
    Map<String, String> all = new HashMap<>();
    all.put("GENVAULT_DATA", data.toString());
    all.putAll(env);
    return Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), all);
  }

  private String printed() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void files_go_to_s3_when_GENVAULT_S3_BUCKET_is_set_and_to_the_folder_otherwise() {
    Map<String, String> env =
        Map.of("GENVAULT_S3_BUCKET", "files", "GENVAULT_S3_ENDPOINT", "http://127.0.0.1:9");
    try (software.amazon.awssdk.services.s3.S3Client s3 = Quickstart.s3(env)) {
      assertThat(s3).isNotNull();
      assertThat(Quickstart.blobStore(env, s3, data))
          .isInstanceOf(dev.genvault.s3.S3BlobStore.class);
    }
    assertThat(Quickstart.s3(Map.of())).isNull();
    assertThat(Quickstart.blobStore(Map.of(), null, data).toString()).startsWith("FileBlobStore");
  }

  @Test
  void
      the_quick_start_prints_id_text_cost_the_dedup_hit_how_to_read_the_rows_and_what_serves_urls() {
    Path database = data.resolve("genvault.db");
    Generation[] result =
        run(Map.of("GENVAULT_DB", database.toString(), "GENVAULT_BASE_URL", "https://x.test"));
    String printed = printed();

    Generation first = result[0];
    Generation second = result[1];
    Generation next = result[2];
    assertThat(first.status()).isEqualTo(GenerationStatus.COMPLETE);
    assertThat(printed)
        .contains("ID:     " + first.id())
        .contains("Text:   " + first.text())
        .contains("input tokens")
        .contains("Cost:   $" + first.cost().usd().toPlainString())
        .contains("copied from " + first.id())
        .contains("saved $" + first.cost().usd().toPlainString());
    assertThat(second.cachedFrom()).isEqualTo(first.id());
    // A URL comes with what serves it, the rows with how to read them now.
    assertThat(printed)
        .contains("https://x.test/generate/" + first.id())
        .contains("https://x.test/generate/" + second.id())
        .contains("GenerationRoutes")
        .contains("no server")
        .contains(
            "sqlite3 "
                + database
                + " \"SELECT id, status, cost_usd, cached_from, parent_id FROM generations WHERE"
                + " id IN ('"
                + first.id()
                + "', '"
                + second.id()
                + "', '"
                + next.id()
                + "')\"")
        .doesNotContain("URL:    https://x.test");
    // The next turn continues the first: its row keeps the new message only.
    assertThat(next.parentId()).isEqualTo(first.id());
    assertThat(next.request().messages()).hasSize(3);
    assertThat(printed)
        .contains("Thread: continues " + first.id())
        .contains("Cost:   $" + next.cost().usd().toPlainString())
        .contains("https://x.test/chat/" + next.id());
    // The rows are in the SQLite file, readable by a new store after the generator closed.
    try (JdbcGenerationStore reopened = JdbcGenerationStore.sqlite(database)) {
      assertThat(reopened.find(first.id()).orElseThrow().text()).isEqualTo(first.text());
      assertThat(reopened.find(second.id()).orElseThrow().cachedFrom()).isEqualTo(first.id());
      assertThat(reopened.find(next.id())).contains(next);
      String stored =
          reopened
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery("SELECT request FROM generations WHERE id = :id")
                          .bind("id", next.id())
                          .mapTo(String.class)
                          .one());
      assertThat(stored).contains("Now one about backups").doesNotContain("durable storage");
    }
  }

  @Test
  void a_second_run_on_the_same_database_serves_its_first_request_from_the_cache() {
    Map<String, String> env = Map.of("GENVAULT_DB", data.resolve("twice.db").toString());
    Generation[] firstRun = run(env);
    assertThat(firstRun[0].cachedFrom()).isNull();
    bytes.reset();

    Generation[] secondRun = run(env);
    Generation hit = secondRun[0];
    assertThat(hit.id()).isNotEqualTo(firstRun[0].id());
    assertThat(hit.cachedFrom()).isEqualTo(firstRun[0].id());
    assertThat(hit.text()).isEqualTo(firstRun[0].text());
    assertThat(hit.cost().usd()).isZero();
    assertThat(secondRun[1].cachedFrom()).isEqualTo(firstRun[0].id());
    assertThat(printed())
        .contains("copied from " + firstRun[0].id() + ", a generation of an earlier run")
        .contains("saved $" + firstRun[0].cost().usd().toPlainString())
        .doesNotContain("input tokens");
    // The next turn too: the same conversation as the first run's, so a copy, and it says so.
    assertThat(secondRun[2].cachedFrom()).isEqualTo(firstRun[2].id());
    assertThat(printed())
        .contains("copied from " + firstRun[2].id() + ", the same turn of an earlier run")
        .contains("saved $" + firstRun[2].cost().usd().toPlainString());
  }

  @Test
  void the_price_source_is_said_in_plain_words_never_as_a_bare_tag() {
    Generation[] result = run(Map.of("GENVAULT_DB", data.resolve("price.db").toString()));
    assertThat(result[0].cost().source().id()).isEqualTo(PriceSource.OVERRIDE.id());
    assertThat(printed())
        .doesNotContain("(" + PriceSource.OVERRIDE + ")")
        .contains("the quick start's own price for the demo model")
        .contains("$0.15 per million input tokens, $0.60 per million output tokens");
  }

  @Test
  void an_empty_GENVAULT_DB_is_refused_with_what_to_do() {
    assertThatThrownBy(() -> run(Map.of("GENVAULT_DB", " ")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GENVAULT_DB is set but empty")
        .hasMessageContaining("unset it")
        .hasMessageContaining("jdbc:sqlite:");
  }

  @Test
  void GENVAULT_DB_may_be_a_jdbc_url_or_a_file_in_a_folder_that_does_not_exist_yet() {
    Path viaUrl = data.resolve("new-folder/via-url.db");
    run(Map.of("GENVAULT_DB", "jdbc:sqlite:" + viaUrl));
    assertThat(viaUrl).exists();
    Path viaPath = data.resolve("other-folder/via-path.db");
    run(Map.of("GENVAULT_DB", viaPath.toString()));
    assertThat(viaPath).exists();
    run(Map.of("GENVAULT_DB", "jdbc:h2:file:" + data.resolve("h2/genvault").toAbsolutePath()));
    assertThat(printed())
        .contains("SELECT id, status, cost_usd, cached_from, parent_id FROM generations");
  }

  @Test
  void a_GENVAULT_DB_that_is_no_database_is_refused_without_showing_a_password() {
    assertThatThrownBy(() -> run(Map.of("GENVAULT_DB", "mysql://app:secret-pw@127.0.0.1/app")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GENVAULT_DB")
        .hasMessageContaining("postgres://")
        .hasMessageNotContaining("secret-pw");
  }

  @Test
  void a_GENVAULT_BASE_URL_without_a_scheme_is_refused_with_what_to_write() {
    assertThatThrownBy(
            () ->
                run(
                    Map.of(
                        "GENVAULT_DB",
                        data.resolve("base.db").toString(),
                        "GENVAULT_BASE_URL",
                        "example.com/ai")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("https://example.com/ai");
  }

  @Test
  void with_an_api_key_it_calls_the_server_once_and_leaves_no_thread_of_its_own_running()
      throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    Generation[] result;
    String baseUrl;
    try (MockWebServer server = new MockWebServer()) {
      server.start(InetAddress.getLoopbackAddress(), 0);
      baseUrl = server.url("/v1").toString();
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/event-stream")
              .body(
                  "data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Disks spin, rows rest.\"},\"finish_reason\":\"stop\"}]}\n\n"
                      + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":6}}\n\n"
                      + "data: [DONE]\n\n")
              .build());
      server.enqueue(
          new MockResponse.Builder()
              .code(200)
              .setHeader("Content-Type", "text/event-stream")
              .body(
                  "data: {\"id\":\"c2\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Copies sleep.\"},\"finish_reason\":\"stop\"}]}\n\n"
                      + "data: [DONE]\n\n")
              .build());
      result =
          run(
              Map.of(
                  "OPENAI_API_KEY",
                  "sk-test-key",
                  "OPENAI_BASE_URL",
                  baseUrl,
                  "GENVAULT_DB",
                  data.resolve("openai.db").toString()));
      assertThat(server.getRequestCount())
          .as("the repeat is served from the cache; the next turn is a new call")
          .isEqualTo(2);
      server.takeRequest();
      String nextTurn = server.takeRequest().getBody().utf8();
      assertThat(nextTurn)
          .as("the next turn sends the whole conversation")
          .contains("Write a haiku about durable storage", "Disks spin, rows rest.", "backups");
    }
    String printed = printed();
    assertThat(printed).contains("Model: gpt-4o-mini at " + baseUrl.replaceAll("/$", ""));
    assertThat(result[0].text()).isEqualTo("Disks spin, rows rest.");
    // 20 x $0.15 + 6 x $0.60 = 3.0 + 3.6 = 6.6 per million, from the bundled table
    assertThat(result[0].cost().usd()).isEqualByComparingTo("0.0000066");
    assertThat(printed)
        .contains("from the bundled price table, version " + Pricing.bundledVersion());
    assertThat(result[1].cachedFrom()).isEqualTo(result[0].id());
    assertThat(printed).doesNotContain("sk-test-key");

    // Whatever the run started (HTTP client, pools, generator) has ended or cannot hold the JVM.
    await()
        .pollInSameThread()
        .untilAsserted(
            () -> assertThat(nonDaemonThreadsStartedSince(before)).as("threads left").isEmpty());
  }

  @Test
  void the_exec_goal_does_not_wait_for_daemon_threads_that_ignore_interrupts() throws Exception {
    // Okio's watchdog and OkHttp's task runner are JVM-wide daemon threads that outlive any client
    // and ignore interrupts; exec:java would otherwise join each of them for 15 s before exiting.
    // Nothing is lost by not waiting: the quick start closes everything it made before it returns.
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom).contains("<cleanupDaemonThreads>false</cleanupDaemonThreads>");
  }

  private static List<String> nonDaemonThreadsStartedSince(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon())
        .map(Thread::getName)
        .collect(Collectors.toList());
  }
}
