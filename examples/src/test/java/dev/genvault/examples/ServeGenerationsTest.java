package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.GenerationStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ServeGenerations: the form, a post, the page, on embedded defaults. */
class ServeGenerationsTest {
  @TempDir Path dir;

  @Test
  void a_posted_prompt_redirects_to_its_page_which_ends_complete() throws Exception {
    try (ServeGenerations server =
        ServeGenerations.start(
            Map.of(
                "GENVAULT_HTTP_PORT", "0",
                "GENVAULT_DB", dir.resolve("genvault.db").toString(),
                "GENVAULT_DATA", dir.resolve("data").toString()))) {
      HttpClient http = HttpClient.newHttpClient();
      URI form = URI.create(server.formUrl());
      assertThat(
              http.send(HttpRequest.newBuilder(form).build(), HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("<form method=\"post\"");
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(form)
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("prompt=Write+a+haiku"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(303);
      URI page = form.resolve(posted.headers().firstValue("Location").orElseThrow());
      String id = page.getPath().substring(page.getPath().lastIndexOf('/') + 1);
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  http.send(
                          HttpRequest.newBuilder(page).header("Accept", "application/json").build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body()
                      .contains("\"status\":\"" + GenerationStatus.COMPLETE.wireName() + "\""));
      assertThat(
              http.send(HttpRequest.newBuilder(page).build(), HttpResponse.BodyHandlers.ofString())
                  .body())
          .contains("Write a haiku")
          .contains("<dd id=\"status\">complete</dd>");
      assertThat(id).hasSize(21);
      // The history lists it, with the spend of the last 30 days.
      String history =
          http.send(
                  HttpRequest.newBuilder(form.resolve("generations")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(history)
          .contains("<tr data-id=\"" + id + "\">")
          .contains("id=\"total-cost\"")
          .doesNotContain("unpriced")
          .contains("<svg");
      // A page elsewhere whose name now points at 127.0.0.1 (DNS rebinding) is refused, and so
      // are a second Host and a request target naming another host.
      int port = form.getPort();
      String own = "Host: 127.0.0.1:" + port + "\r\n";
      for (String request :
          java.util.List.of(
              "GET /generate HTTP/1.1\r\nHost: evil.test:" + port + "\r\n\r\n",
              "GET /generate HTTP/1.1\r\n" + own + "Host: evil.test\r\n\r\n",
              "GET http://evil.test/generate HTTP/1.1\r\n" + own + "\r\n")) {
        assertThat(statusLine(port, request)).as(request).startsWith("HTTP/1.1 421");
      }
      assertThat(statusLine(port, "GET /generate HTTP/1.1\r\n" + own + "\r\n"))
          .startsWith("HTTP/1.1 200");
    }
  }

  private static String statusLine(int port, String request) throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()))
          .readLine();
    }
  }
}
