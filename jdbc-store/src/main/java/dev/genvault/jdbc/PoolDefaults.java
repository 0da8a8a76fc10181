package dev.genvault.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.PersistenceException;
import org.jspecify.annotations.Nullable;

/**
 * The HikariCP pool the store makes for a JDBC URL, with durable settings for each database: SQLite
 * in WAL mode with {@code synchronous=FULL}, a busy timeout and immediate write transactions;
 * PostgreSQL with read and connect timeouts, keep-alive and rewritten batch inserts; H2 with no
 * write delay.
 */
final class PoolDefaults {
  private PoolDefaults() {}

  /**
   * A pool on {@code url}; {@code maxPoolSize} 0 takes the database's default (4 for SQLite, else
   * 10).
   *
   * @throws IllegalStateException if no JDBC driver takes the URL
   * @throws PersistenceException if the pool cannot start
   */
  static HikariDataSource pool(
      String url, @Nullable String username, @Nullable String password, int maxPoolSize) {
    DatabaseUrl.requireDriver(url);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setPoolName("genvault");
    config.setConnectionTimeout(5_000);
    if (username != null) {
      config.setUsername(username);
    }
    if (password != null) {
      config.setPassword(password);
    }
    int size = 10;
    if (url.startsWith("jdbc:sqlite:")) {
      DatabaseUrl.createSqliteFolder(url);
      // Durable and concurrent: WAL, fsync at every commit, wait for the write lock instead of
      // failing with SQLITE_BUSY, and take it at the start of each write transaction.
      config.addDataSourceProperty("journal_mode", "WAL");
      config.addDataSourceProperty("synchronous", "FULL");
      config.addDataSourceProperty("busy_timeout", "10000");
      config.addDataSourceProperty("transaction_mode", "IMMEDIATE");
      size = 4;
    } else if (url.startsWith("jdbc:postgresql:")) {
      // Never wait forever on a dead socket; notice dead peers; fail a connect fast.
      config.addDataSourceProperty("socketTimeout", "60");
      config.addDataSourceProperty("tcpKeepAlive", "true");
      config.addDataSourceProperty("connectTimeout", "5");
      config.addDataSourceProperty("reWriteBatchedInserts", "true");
      config.addDataSourceProperty("ApplicationName", "genvault");
    } else if (url.startsWith("jdbc:h2:")) {
      // Each commit on disk when it returns (H2 delays writes by 500 ms otherwise).
      config.setJdbcUrl(url.contains("WRITE_DELAY") ? url : url + ";WRITE_DELAY=0");
    }
    config.setMaximumPoolSize(maxPoolSize > 0 ? maxPoolSize : size);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new PersistenceException(
          "cannot connect to " + DatabaseUrl.redact(url) + ": " + e.getMessage(), e);
    }
  }
}
