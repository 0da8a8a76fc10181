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
    return durableBuilder().start();
  }

  /** A durable server that also keeps statement statistics ({@code pg_stat_statements}). */
  static EmbeddedPostgres durableWithStatementStatistics() throws IOException {
    return durableBuilder()
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setServerConfig("pg_stat_statements.track", "all")
        .start();
  }

  private static EmbeddedPostgres.Builder durableBuilder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on");
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

  /** Vacuums the tables, as autovacuum would: the space of dead row versions is free again. */
  static void vacuum(javax.sql.DataSource pool, String... tables) throws java.sql.SQLException {
    try (java.sql.Connection c = pool.getConnection();
        java.sql.Statement s = c.createStatement()) {
      for (String table : tables) {
        s.execute("VACUUM " + table);
      }
    }
  }

  /** The tables' total size in bytes: heap, TOAST and indexes. */
  static long size(javax.sql.DataSource pool, String... tables) throws java.sql.SQLException {
    long total = 0;
    try (java.sql.Connection c = pool.getConnection();
        java.sql.Statement s = c.createStatement()) {
      for (String table : tables) {
        try (java.sql.ResultSet rs =
            s.executeQuery("SELECT pg_total_relation_size('" + table + "')")) {
          rs.next();
          total += rs.getLong(1);
        }
      }
    }
    return total;
  }

  /** Spring AI's JDBC chat memory on the pool's database, its table made by its own DDL. */
  static org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository springAiMemory(
      javax.sql.DataSource pool) throws java.io.IOException, java.sql.SQLException {
    Class<?> repository =
        org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository.class;
    try (java.io.InputStream ddl = repository.getResourceAsStream("schema-postgresql.sql");
        java.sql.Connection c = pool.getConnection();
        java.sql.Statement s = c.createStatement()) {
      s.execute(new String(ddl.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository.builder()
        .dataSource(pool)
        .dialect(
            new org.springframework.ai.chat.memory.repository.jdbc
                .PostgresChatMemoryRepositoryDialect())
        .build();
  }

  /**
   * Nanoseconds a process of this machine has run on a CPU ({@code /proc/PID/schedstat}), or 0 if
   * it has exited.
   */
  static long onCpu(long pid) {
    try {
      String stat =
          java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/schedstat"));
      return Long.parseLong(stat.substring(0, stat.indexOf(' ')));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
