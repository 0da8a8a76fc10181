package dev.genvault.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real PostgreSQL server for the whole test JVM (from Maven, no Docker), on 127.0.0.1, stopped
 * when the JVM exits, and a pool on it.
 */
final class Postgres {
  private static EmbeddedPostgres server;
  private static HikariDataSource pool;

  private Postgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server =
            EmbeddedPostgres.builder().setServerConfig("listen_addresses", "127.0.0.1").start();
      } catch (IOException e) {
        throw new UncheckedIOException("embedded PostgreSQL did not start", e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      if (pool != null) {
                        pool.close();
                      }
                      server.close();
                    } catch (IOException ignored) {
                      // the JVM is going away
                    }
                  }));
    }
    return server;
  }

  /** A pool on the test server's {@code postgres} database. */
  static synchronized HikariDataSource pool() {
    if (pool == null) {
      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(server().getJdbcUrl("postgres", "postgres"));
      config.setMaximumPoolSize(10);
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      pool = new HikariDataSource(config);
    }
    return pool;
  }
}
