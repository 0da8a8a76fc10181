package dev.genvault.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationFailedException;
import dev.genvault.GenerationRequest;
import java.io.InputStream;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Image responses: which URLs are fetched, and what a broken image item is recorded as. */
class OpenAiClientImagesTest extends OpenAiServerTest {
  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 7, 7};
  private static final byte[] OTHER = {1, 2, 3};
  private int seed;

  private static MockResponse images(String item) {
    return json(200, "{\"created\":1,\"data\":[" + item + "]}");
  }

  private static MockResponse file(byte[] bytes) {
    return new MockResponse.Builder()
        .code(200)
        .setHeader("Content-Type", "image/png")
        .body(new okio.Buffer().write(bytes))
        .build();
  }

  private static MockResponse redirect(String to) {
    return new MockResponse.Builder().code(307).setHeader("Location", to).build();
  }

  private GenerationRequest image() {
    return GenerationRequest.image("dall-e-3", "a cat " + seed++);
  }

  private String at(String host, String path) {
    return "http://" + host + ":" + server.getPort() + path;
  }

  @Test
  void by_default_an_image_url_on_loopback_or_over_http_is_refused_before_any_request()
      throws Exception {
    String[] urls = {
      at("127.0.0.1", "/files/a.png"), // plain http
      "https://localhost:" + server.getPort() + "/files/a.png", // a name that resolves to loopback
      "https://127.0.0.1:" + server.getPort() + "/files/a.png", // a loopback literal
      "https://[::1]:" + server.getPort() + "/files/a.png"
    };
    AtomicReference<String> current = new AtomicReference<>();
    AtomicInteger fetched = new AtomicInteger();
    server.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            if (request.getUrl().encodedPath().startsWith("/files/")) {
              fetched.incrementAndGet();
              return file(PNG);
            }
            return images("{\"url\":\"" + current.get() + "\"}");
          }
        });
    try (OpenAiClient openai = client().build()) {
      for (String url : urls) {
        current.set(url);
        GenerationFailedException e = failed(image(), openai);
        assertThat(e.errorType()).as(url).isEqualTo(ErrorType.INVALID_RESPONSE);
        assertThat(e)
            .as(url)
            .hasMessageContaining("refused")
            .hasMessageContaining("allowImageHosts");
      }
    }
    assertThat(fetched).hasValue(0);
  }

  @Test
  void an_allowed_host_is_fetched_but_not_a_redirect_to_a_host_that_is_not() throws Exception {
    String host = "localhost";
    server.enqueue(images("{\"url\":\"" + at(host, "/files/a.png") + "\"}"));
    server.enqueue(redirect(at(host, "/files/b.png")));
    server.enqueue(file(PNG));
    server.enqueue(images("{\"url\":\"" + at(host, "/files/a.png") + "\"}"));
    server.enqueue(redirect(at("127.0.0.1", "/files/c.png")));
    server.enqueue(file(OTHER));
    try (OpenAiClient openai = client().baseUrl(at(host, "/v1")).allowImageHosts(host).build()) {
      Generation g = genvault.generate(image(), openai);
      try (InputStream in = blobs.open(g.blobs().get(0).key()).orElseThrow()) {
        assertThat(in.readAllBytes()).isEqualTo(PNG);
      }
      GenerationFailedException e = failed(image(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(e).hasMessageContaining("refused").hasMessageContaining("127.0.0.1");
      assertThat(server.getRequestCount()).as("c.png is never asked for").isEqualTo(5);
    }
  }

  @Test
  void base64_that_does_not_decode_is_an_invalid_response() throws Exception {
    server.enqueue(images("{\"b64_json\":\"iVBO!!not base64!!\"}"));
    server.enqueue(images("{\"b64_json\":\"iVBORw0KG\"}")); // a dangling character
    try (OpenAiClient openai = client().build()) {
      assertThat(failed(image(), openai).errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(failed(image(), openai).errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
    }
  }

  @Test
  void an_image_url_that_does_not_parse_is_an_invalid_response() throws Exception {
    server.enqueue(images("{\"url\":\"ht!tp://exa mple/\"}"));
    server.enqueue(images("{\"url\":\"/relative/a.png\"}"));
    try (OpenAiClient openai = client().build()) {
      GenerationFailedException e = failed(image(), openai);
      assertThat(e.errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
      assertThat(e).hasMessageContaining("not a valid URL");
      assertThat(failed(image(), openai).errorType()).isEqualTo(ErrorType.INVALID_RESPONSE);
    }
  }

  @Test
  void an_image_with_both_bytes_and_a_url_is_stored_once_from_its_bytes() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(PNG);
    String url = at("localhost", "/files/a.png");
    server.enqueue(
        images(
            "{\"url\":\""
                + url
                + "\",\"b64_json\":\""
                + b64
                + "\"},{\"b64_json\":\""
                + b64
                + "\",\"url\":\""
                + url
                + "\"}"));
    server.enqueue(file(OTHER));
    try (OpenAiClient openai = client().allowImageHosts("localhost").build()) {
      Generation g = genvault.generate(image(), openai);
      assertThat(g.blobs()).hasSize(2);
      for (var ref : g.blobs()) {
        try (InputStream in = blobs.open(ref.key()).orElseThrow()) {
          assertThat(in.readAllBytes()).isEqualTo(PNG);
        }
      }
    }
    assertThat(server.getRequestCount()).as("the url is not fetched").isEqualTo(1);
  }
}
