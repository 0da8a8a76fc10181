package dev.genvault.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.http.Authorizer;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.spi.GenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * A whole Spring Boot app (Tomcat on a free loopback port) with only the starter's
 * auto-configuration and its own DataSource, on embedded PostgreSQL: a generation made through the
 * generator bean is served as a page over real HTTP under {@code /genvault}.
 */
class GenvaultBootAppTest {
  static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  /** The app: its DataSource and its Authorizer, nothing of Genvault's. */
  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class App {
    @Bean
    DataSource dataSource() {
      return postgres.getPostgresDatabase();
    }

    @Bean
    Authorizer authorizer() {
      return Authorizer.allowAll();
    }
  }

  @Test
  void a_generation_is_served_as_a_page_over_real_http(@TempDir Path blobs) throws Exception {
    try (ConfigurableApplicationContext context =
        new SpringApplicationBuilder(App.class)
            .properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "genvault.blobs=" + blobs,
                "spring.main.banner-mode=off")
            .run()) {
      assertThat(context.getBean(GenerationStore.class)).isInstanceOf(JdbcGenerationStore.class);
      PersistentGenerator genvault = context.getBean(PersistentGenerator.class);
      Generation g =
          genvault.generate(
              GenerationRequest.builder().model("gpt-4o-mini").prompt("A haiku").build(),
              ModelClient.of(
                  "test",
                  call -> {
                    call.emit("Old pond, frog");
                    return ModelResult.builder()
                        .finishReason("stop")
                        .usage(Usage.of(10, 5))
                        .build();
                  }));
      int port = ((WebServerApplicationContext) context).getWebServer().getPort();
      HttpClient http = HttpClient.newHttpClient();
      URI page = URI.create("http://127.0.0.1:" + port + "/genvault/generate/" + g.id());

      HttpResponse<String> html =
          http.send(
              HttpRequest.newBuilder(page).header("Accept", "text/html").build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> json =
          http.send(
              HttpRequest.newBuilder(page).header("Accept", "application/json").build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> missing =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/genvault/generate/nope"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(html.statusCode()).isEqualTo(200);
      assertThat(html.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(html.body()).contains("Old pond, frog");
      assertThat(json.statusCode()).isEqualTo(200);
      assertThat(json.body()).contains("\"id\":\"" + g.id() + "\"").contains("Old pond, frog");
      assertThat(missing.statusCode()).isEqualTo(404);
      HttpResponse<String> events =
          http.send(
              HttpRequest.newBuilder(URI.create(page + "/events")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(events.statusCode()).isEqualTo(200);
      assertThat(events.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
      assertThat(events.body()).contains("Old pond, frog");
    }
  }
}
