package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.PersistenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Driver;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Database locations as people write them: checked at build, with messages that say what to do. */
class DatabaseUrlTest {
  @TempDir Path dir;

  @Test
  void a_sqlite_file_in_a_missing_folder_gets_its_folder() {
    Path file = dir.resolve("a/b/genvault.db");
    try (JdbcGenerationStore store = JdbcGenerationStore.sqlite(file)) {
      assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
    }
    assertThat(file).exists();
    Path viaUrl = dir.resolve("c/d/genvault.db");
    try (JdbcGenerationStore store =
        JdbcGenerationStore.builder().jdbcUrl("jdbc:sqlite:" + viaUrl).build()) {
      assertThat(store.dialect()).isEqualTo(Dialect.SQLITE);
    }
    assertThat(viaUrl).exists();
  }

  @Test
  void a_missing_driver_names_the_dependency_to_add() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:1/app";
    Driver postgres = DriverManager.getDriver(url);
    DriverManager.deregisterDriver(postgres);
    try {
      assertThatThrownBy(() -> JdbcGenerationStore.builder().jdbcUrl(url).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("org.postgresql:postgresql")
          .hasMessageContaining("<artifactId>postgresql</artifactId>");
      assertThatThrownBy(
              () -> JdbcGenerationStore.create("postgres://app:secret-pw@127.0.0.1:1/app"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("org.postgresql:postgresql")
          .hasMessageNotContaining("secret-pw");
    } finally {
      DriverManager.registerDriver(postgres);
    }
    assertThatThrownBy(
            () -> JdbcGenerationStore.builder().jdbcUrl("jdbc:mysql://127.0.0.1:1/app").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("org.postgresql:postgresql")
        .hasMessageContaining("org.xerial:sqlite-jdbc")
        .hasMessageContaining("com.h2database:h2");
  }

  @Test
  void create_takes_jdbc_urls_of_the_three_databases() {
    try (JdbcGenerationStore sqlite =
        JdbcGenerationStore.create("jdbc:sqlite:" + dir.resolve("e/genvault.db"))) {
      assertThat(sqlite.dialect()).isEqualTo(Dialect.SQLITE);
    }
    try (JdbcGenerationStore h2 =
        JdbcGenerationStore.create("jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath())) {
      assertThat(h2.dialect()).isEqualTo(Dialect.H2);
    }
    int port = Postgres.server().getPort();
    try (JdbcGenerationStore postgres =
        JdbcGenerationStore.create(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres")) {
      assertThat(postgres.dialect()).isEqualTo(Dialect.POSTGRESQL);
    }
  }

  @Test
  void create_takes_a_postgres_url_with_the_credentials_from_its_userinfo() {
    int port = Postgres.server().getPort();
    for (String scheme : new String[] {"postgres", "postgresql"}) {
      try (JdbcGenerationStore store =
          JdbcGenerationStore.create(
              scheme + "://postgres:any-pw@127.0.0.1:" + port + "/postgres?sslmode=disable")) {
        assertThat(store.dialect()).isEqualTo(Dialect.POSTGRESQL);
        String user =
            store.jdbi().withHandle(h -> h.select("SELECT current_user").mapTo(String.class).one());
        assertThat(user).isEqualTo("postgres");
      }
    }
  }

  @Test
  void a_postgres_url_is_converted_with_its_userinfo_decoded_and_the_password_never_shown() {
    DatabaseUrl url =
        DatabaseUrl.parse("postgres://app%40eu:p%3Aa%2Fss@db.internal:5433/app?sslmode=require");
    assertThat(url.jdbcUrl).isEqualTo("jdbc:postgresql://db.internal:5433/app?sslmode=require");
    assertThat(url.username).isEqualTo("app@eu");
    assertThat(url.password).isEqualTo("p:a/ss");
    assertThat(url.toString()).doesNotContain("p%3Aa%2Fss").doesNotContain("p:a/ss");

    DatabaseUrl userOnly = DatabaseUrl.parse("postgresql://app@[::1]/app");
    assertThat(userOnly.jdbcUrl).isEqualTo("jdbc:postgresql://[::1]/app");
    assertThat(userOnly.username).isEqualTo("app");
    assertThat(userOnly.password).isNull();

    assertThatThrownBy(
            () -> JdbcGenerationStore.create("postgres://app:secret-pw@127.0.0.1:1/none"))
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("secret-pw");
    assertThatThrownBy(() -> JdbcGenerationStore.create("postgres://app:secret-pw@/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no host")
        .hasMessageNotContaining("secret-pw");
    assertThatThrownBy(() -> JdbcGenerationStore.create("postgres://app:se/cret@127.0.0.1/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("percent-encode")
        .hasMessageNotContaining("cret");
  }

  @Test
  void anything_else_is_refused_with_the_forms_that_work() {
    assertThatThrownBy(() -> JdbcGenerationStore.create(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty")
        .hasMessageContaining("jdbc:sqlite:");
    assertThatThrownBy(() -> JdbcGenerationStore.create("genvault.db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("jdbc:sqlite:genvault.db");
    assertThatThrownBy(() -> JdbcGenerationStore.create("mysql://app:secret-pw@127.0.0.1/app"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("postgres://")
        .hasMessageContaining("jdbc:postgresql:")
        .hasMessageNotContaining("secret-pw");
    assertThatThrownBy(
            () -> JdbcGenerationStore.builder().jdbcUrl("postgres://127.0.0.1/app").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JdbcGenerationStore.create(");
    assertThat(Files.exists(dir.resolve("genvault.db"))).isFalse();
  }
}
