package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ALICE_TOKEN;
import static dev.genvault.examples.faults.FaultStack.CANARY_KEY;
import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockResponse;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The canary API key, sent on every provider call of the suite with DEBUG logging on, is nowhere
 * after all the scenarios: not in a log line, a column of any table, a blob, a cache value or an
 * HTTP response. Runs last ({@link ClassOrderer.OrderAnnotation}, set in junit-platform.properties)
 * and adds failures that put the key in the provider's answers, as a provider that echoes a wrong
 * key does.
 */
@Order(Integer.MAX_VALUE)
class SecretsFaultTest {

  @Test
  void the_canary_key_is_in_no_log_row_blob_cache_value_or_response() throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      PersistentGenerator genvault = stack.genvault();
      Generation ok = genvault.generate(ask("alice", "hello"), stack.app.model());
      assertThat(ok.status()).isEqualTo(GenerationStatus.COMPLETE);
      // A provider that echoes the key it got, in an error answer and in an error event.
      String echo = "Incorrect API key provided: " + CANARY_KEY + ". You can find your key at ...";
      stack.provider.next(
          () ->
              new MockResponse.Builder()
                  .code(401)
                  .setHeader("Content-Type", "application/json")
                  .body(
                      "{\"error\":{\"message\":\""
                          + echo
                          + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}")
                  .build());
      GenerationFailedException refused =
          (GenerationFailedException)
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> genvault.generate(ask("alice", "refused"), stack.app.model()));
      stack.provider.next(
          () ->
              Provider.sse(
                  Provider.delta("partial ")
                      + "data: {\"error\":{\"message\":\""
                      + echo
                      + "\",\"type\":\"server_error\"}}\n\n"));
      GenerationFailedException midStream =
          (GenerationFailedException)
              org.assertj.core.api.Assertions.catchThrowable(
                  () -> genvault.generate(ask("alice", "mid-stream"), stack.app.model()));
      for (GenerationFailedException e : List.of(refused, midStream)) {
        java.io.StringWriter trace = new java.io.StringWriter();
        e.printStackTrace(new java.io.PrintWriter(trace));
        assertThat(trace.toString()).doesNotContain(CANARY_KEY);
        stack.get("/generate/" + e.generationId(), ALICE_TOKEN);
        stack.get("/generate/" + e.generationId() + "/events", ALICE_TOKEN);
      }
      stack.get("/generate/" + ok.id(), ALICE_TOKEN);
      // The key really was sent: the scan below is not vacuous.
      assertThat(stack.provider.authorizations).contains("Bearer " + CANARY_KEY);
    }

    List<String> found = new ArrayList<>();
    scanLogs(found);
    scanDatabases(found);
    scanBuckets(found);
    scanRedis(found);
    for (String response : FaultStack.RESPONSES) {
      if (response.contains(CANARY_KEY)) {
        found.add("an HTTP response: " + response);
      }
    }
    assertThat(FaultStack.RESPONSES).isNotEmpty();
    assertThat(found).isEmpty();
  }

  private static void scanLogs(List<String> found) throws Exception {
    Path log = Path.of("target", "fault-suite.log");
    assertThat(log).exists();
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(lines).anyMatch(l -> l.contains(" DEBUG "));
    Path children = Path.of("target", "fault-suite-children.log");
    if (Files.exists(children)) {
      lines = new ArrayList<>(lines);
      lines.addAll(Files.readAllLines(children, StandardCharsets.UTF_8));
    }
    for (String line : lines) {
      if (line.contains(CANARY_KEY)) {
        found.add("a log line: " + line);
      }
    }
  }

  private static void scanDatabases(List<String> found) throws Exception {
    List<String> databases = FaultStack.databases();
    assertThat(databases).isNotEmpty();
    for (String database : databases) {
      try (Connection c = FaultStack.direct(database);
          Statement st = c.createStatement()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            st.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        for (String table : tables) {
          try (ResultSet rs = st.executeQuery("SELECT * FROM " + table)) {
            ResultSetMetaData meta = rs.getMetaData();
            while (rs.next()) {
              for (int col = 1; col <= meta.getColumnCount(); col++) {
                String value = rs.getString(col);
                if (value != null && value.contains(CANARY_KEY)) {
                  found.add(database + "." + table + "." + meta.getColumnName(col));
                }
              }
            }
          }
        }
      }
    }
  }

  private static void scanBuckets(List<String> found) {
    try (S3Client s3 = FaultStack.s3Client()) {
      for (Bucket bucket : s3.listBuckets().buckets()) {
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(bucket.name())).contents()) {
          ResponseBytes<?> bytes =
              s3.getObjectAsBytes(b -> b.bucket(bucket.name()).key(object.key()));
          if (bytes.asString(StandardCharsets.ISO_8859_1).contains(CANARY_KEY)) {
            found.add("s3://" + bucket.name() + "/" + object.key());
          }
        }
      }
    }
  }

  private static void scanRedis(List<String> found) {
    try (Jedis redis = new Jedis("127.0.0.1", FaultStack.redisPort())) {
      for (String key : redis.keys("*")) {
        String type = redis.type(key);
        String value =
            switch (type) {
              case "string" -> redis.get(key);
              case "hash" -> String.valueOf(redis.hgetAll(key));
              case "list" -> String.valueOf(redis.lrange(key, 0, -1));
              case "set" -> String.valueOf(redis.smembers(key));
              case "zset" -> String.valueOf(redis.zrange(key, 0, -1));
              default -> "";
            };
        if (key.contains(CANARY_KEY) || value.contains(CANARY_KEY)) {
          found.add("redis " + key);
        }
      }
    }
  }
}
