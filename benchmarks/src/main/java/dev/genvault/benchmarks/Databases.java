package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;

/** Embedded PostgreSQL servers for benchmarks, on 127.0.0.1 only. */
final class Databases {
  private Databases() {}

  /**
   * A server that commits durably: zonky's defaults turn fsync and synchronous_commit off, which
   * would make every commit free and every write figure meaningless.
   */
  static EmbeddedPostgres durable() throws IOException {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .start();
  }

  /** A server for read benchmarks, where commit durability does not matter. */
  static EmbeddedPostgres forReads() throws IOException {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("shared_buffers", "256MB")
        .start();
  }

  static HikariDataSource pool(EmbeddedPostgres pg, int size) {
    return pool(pg, "postgres", size);
  }

  /** A pool on one database of the server (created first if it is not {@code postgres}). */
  static HikariDataSource pool(EmbeddedPostgres pg, String database, int size) {
    if (!database.equals("postgres")) {
      try (java.sql.Connection c = pg.getPostgresDatabase().getConnection();
          java.sql.Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database);
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException("cannot create database " + database, e);
      }
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(pg.getJdbcUrl("postgres", database));
    config.setMaximumPoolSize(size);
    config.addDataSourceProperty("reWriteBatchedInserts", "true");
    return new HikariDataSource(config);
  }
}
