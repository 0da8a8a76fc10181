package dev.genvault.benchmarks;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.PersistentGenerator;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.openai.OpenAiClient;
import dev.genvault.spi.DedupCache;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A chat completion end to end: a local OpenAI-format server (the JDK's, with TCP_NODELAY on its
 * sockets) answering a 1.2 KB completion, called through {@link OpenAiClient} and {@link
 * PersistentGenerator} into durable PostgreSQL, beside a bare OkHttp call that posts the same body
 * and parses the same JSON with Moshi. Sample mode: the difference of the percentiles is the
 * latency Genvault adds.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Dsun.net.httpserver.nodelay=true")
public class EndToEndHttpBenchmark {
  private static final String COMPLETION =
      "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":\"chat.completion\","
          + "\"created\":1741569952,\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,"
          + "\"message\":{\"role\":\"assistant\",\"content\":\""
          + "Durable rows hold the words; the model speaks once, the record stays. ".repeat(10)
          + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":150,\"total_tokens\":169,"
          + "\"prompt_tokens_details\":{\"cached_tokens\":0,\"audio_tokens\":0},"
          + "\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
          + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},"
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_06737a9306\"}";

  private HttpServer server;
  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private PersistentGenerator genvault;
  private OpenAiClient client;
  private OkHttpClient okHttp;
  private JsonAdapter<Map<String, Object>> json;
  private String url;
  private final AtomicLong n = new AtomicLong();

  @Setup(Level.Trial)
  public void start() throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/";
    postgres = Databases.durable();
    pool = Databases.pool(postgres, 16);
    client = OpenAiClient.builder().apiKey("sk-bench").baseUrl(url).streaming(false).build();
    genvault =
        PersistentGenerator.builder()
            .store(JdbcGenerationStore.create(pool))
            .cache(DedupCache.none())
            .build();
    okHttp = new OkHttpClient();
    json =
        new Moshi.Builder()
            .build()
            .adapter(Types.newParameterizedType(Map.class, String.class, Object.class));
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    genvault.close();
    client.close();
    okHttp.dispatcher().executorService().shutdown();
    okHttp.connectionPool().evictAll();
    server.stop(0);
    pool.close();
    postgres.close();
  }

  private String prompt() {
    return "Write a haiku about durable storage, number " + n.incrementAndGet();
  }

  @Benchmark
  public Generation genvault_generate() {
    return genvault.generate(
        GenerationRequest.builder().model("gpt-4o-mini").prompt(prompt()).userId("u1").build(),
        client);
  }

  @Benchmark
  public Object raw_okHttpAndMoshi() throws IOException {
    String request =
        "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + prompt()
            + "\"}]}";
    Request call =
        new Request.Builder()
            .url(url + "chat/completions")
            .header("Authorization", "Bearer sk-bench")
            .post(RequestBody.create(request, MediaType.get("application/json")))
            .build();
    try (Response response = okHttp.newCall(call).execute()) {
      Map<String, Object> parsed = json.fromJson(response.body().source());
      if (parsed == null || !parsed.containsKey("choices")) {
        throw new IllegalStateException("no choices");
      }
      return parsed;
    }
  }
}
