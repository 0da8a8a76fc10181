package dev.genvault.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.PersistentGenerator;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** The example app as its one command runs it, on a free port: the form, a post, the page. */
class GenvaultBootAppTest {
  @Test
  void the_form_posts_a_generation_whose_page_shows_its_text(@TempDir Path data) throws Exception {
    try (ConfigurableApplicationContext app =
        SpringApplication.run(
            GenvaultBootApp.class,
            "--server.port=0",
            "--GENVAULT_DATA=" + data,
            "--OPENAI_API_KEY=")) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      String base = "http://127.0.0.1:" + port + "/genvault";
      HttpClient http = HttpClient.newHttpClient(); // follows no redirects

      HttpResponse<String> form =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/generate")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> posted =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/generate"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString("prompt=A+haiku+about+frogs"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(form.statusCode()).isEqualTo(200);
      assertThat(form.body()).contains("<form");
      assertThat(posted.statusCode()).isEqualTo(303);
      String location = posted.headers().firstValue("Location").orElseThrow();
      String id = location.substring(location.lastIndexOf('/') + 1);
      PersistentGenerator genvault = app.getBean(PersistentGenerator.class);
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> genvault.find(id).map(Generation::isTerminal).orElse(false));
      Generation g = genvault.find(id).orElseThrow();
      assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(g.request().prompt()).isEqualTo("A haiku about frogs");
      assertThat(g.cost()).as("the demo model is priced").isNotNull();
      // The starter brings genvault-s3-store and genvault-redis-cache, not the AWS SDK or Jedis:
      // this app has neither, so its cache is in its database and its files in a folder.
      assertThat(app.getBean(DedupCache.class)).isInstanceOf(JdbcDedupCache.class);
      assertThat(app.getBean(BlobStore.class).getClass().getName())
          .isNotEqualTo("dev.genvault.s3.S3BlobStore");

      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/generate/" + id))
                  .header("Accept", "text/html")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains(g.text().substring(0, Math.min(20, g.text().length())));
    }
  }
}
