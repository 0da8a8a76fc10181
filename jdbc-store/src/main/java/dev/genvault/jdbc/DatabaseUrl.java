package dev.genvault.jdbc;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database location as people write it, checked and turned into what JDBC takes: a JDBC URL, or a
 * {@code postgres://user:password@host:port/db} URL whose user and password become credentials. Its
 * {@link #toString()} never shows a password.
 */
final class DatabaseUrl {
  private static final Logger log = LoggerFactory.getLogger(JdbcGenerationStore.class);

  static final String FORMS =
      "give a JDBC URL (jdbc:sqlite:path/to/genvault.db, jdbc:postgresql://host:5432/db,"
          + " jdbc:h2:file:./genvault) or a PostgreSQL URL (postgres://user:password@host:5432/db)";

  final String jdbcUrl;
  final @Nullable String username;
  final @Nullable String password;

  private DatabaseUrl(String jdbcUrl, @Nullable String username, @Nullable String password) {
    this.jdbcUrl = jdbcUrl;
    this.username = username;
    this.password = password;
  }

  /**
   * Reads a JDBC URL or a {@code postgres://} / {@code postgresql://} URL.
   *
   * @throws IllegalArgumentException for anything else, saying which forms work
   */
  static DatabaseUrl parse(String url) {
    Objects.requireNonNull(url, "url");
    String u = url.strip();
    if (u.isEmpty()) {
      throw new IllegalArgumentException("the database URL is empty; " + FORMS);
    }
    String lower = u.toLowerCase(Locale.ROOT);
    if (lower.startsWith("jdbc:")) {
      return new DatabaseUrl(u, null, null);
    }
    if (lower.startsWith("postgres://") || lower.startsWith("postgresql://")) {
      return postgres(u);
    }
    if (!lower.matches("^[a-z][a-z0-9+.-]+:.*")) {
      // No scheme: most likely a file name meant for SQLite.
      throw new IllegalArgumentException(
          "not a database URL"
              + (u.contains("@") ? "" : ": '" + u + "'; for a SQLite file write jdbc:sqlite:" + u)
              + "; "
              + FORMS);
    }
    // Only the scheme is shown: the rest may hold a password.
    throw new IllegalArgumentException(
        "Genvault cannot use a '" + lower.substring(0, lower.indexOf(':') + 1) + "' URL; " + FORMS);
  }

  private static DatabaseUrl postgres(String u) {
    int start = u.indexOf("://") + 3;
    int end = start;
    while (end < u.length() && "/?#".indexOf(u.charAt(end)) < 0) {
      end++;
    }
    String authority = u.substring(start, end);
    String rest = u.substring(end);
    int query = rest.indexOf('?');
    if ((query < 0 ? rest : rest.substring(0, query)).contains("@") || rest.startsWith("#")) {
      throw new IllegalArgumentException(
          "cannot read the PostgreSQL URL: percent-encode the characters / ? # @ : in its user"
              + " name and password (%2F %3F %23 %40 %3A)");
    }
    int at = authority.lastIndexOf('@');
    String hostPort = authority.substring(at + 1);
    if (hostPort.isEmpty()) {
      throw new IllegalArgumentException(
          "the PostgreSQL URL " + redact(u) + " has no host; " + FORMS);
    }
    String username = null;
    String password = null;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new DatabaseUrl("jdbc:postgresql://" + hostPort + rest, username, password);
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot read the user name or password of the PostgreSQL URL: a % must start an escape"
              + " such as %40");
    }
  }

  /**
   * Checks that a JDBC driver on the classpath takes {@code jdbcUrl}.
   *
   * @throws IllegalStateException naming the Maven dependency to add
   */
  static void requireDriver(String jdbcUrl) {
    try {
      DriverManager.getDriver(jdbcUrl);
    } catch (SQLException e) {
      throw new IllegalStateException(noDriver(jdbcUrl), e);
    }
  }

  private static String noDriver(String jdbcUrl) {
    String lower = jdbcUrl.toLowerCase(Locale.ROOT);
    String groupId;
    String artifactId;
    if (lower.startsWith("jdbc:postgresql:")) {
      groupId = "org.postgresql";
      artifactId = "postgresql";
    } else if (lower.startsWith("jdbc:sqlite:")) {
      groupId = "org.xerial";
      artifactId = "sqlite-jdbc";
    } else if (lower.startsWith("jdbc:h2:")) {
      groupId = "com.h2database";
      artifactId = "h2";
    } else {
      return "no JDBC driver on the classpath takes "
          + redact(jdbcUrl)
          + "; Genvault stores generations in PostgreSQL (driver org.postgresql:postgresql),"
          + " SQLite (org.xerial:sqlite-jdbc) or H2 (com.h2database:h2)";
    }
    return "no JDBC driver for "
        + lower.substring(0, lower.indexOf(':', 5) + 1)
        + " on the classpath: add the dependency "
        + groupId
        + ":"
        + artifactId
        + " (<dependency><groupId>"
        + groupId
        + "</groupId><artifactId>"
        + artifactId
        + "</artifactId></dependency>; genvault-bom manages its version)";
  }

  /** Creates the folder of a SQLite database file given by a {@code jdbc:sqlite:} URL. */
  static void createSqliteFolder(String jdbcUrl) {
    String file = jdbcUrl.substring("jdbc:sqlite:".length());
    int query = file.indexOf('?');
    if (query >= 0) {
      if (file.substring(query).contains("mode=memory")) {
        return;
      }
      file = file.substring(0, query);
    }
    if (file.startsWith("file:")) {
      file = file.substring("file:".length());
    }
    if (file.isEmpty() || file.startsWith(":memory:") || file.startsWith(":resource:")) {
      return;
    }
    Path folder;
    try {
      folder = Path.of(file).toAbsolutePath().getParent();
    } catch (InvalidPathException e) {
      return; // the driver says what is wrong with it
    }
    if (folder == null || Files.isDirectory(folder)) {
      return;
    }
    try {
      Files.createDirectories(folder);
      log.info("Created the folder {} for the SQLite database", folder);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot create the folder " + folder + " for the SQLite database: " + e, e);
    }
  }

  /** The URL with any password replaced by {@code ***}. */
  static String redact(String url) {
    return url.replaceAll("//([^/?#:@]*):.*@", "//$1:***@")
        .replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  @Override
  public String toString() {
    return redact(jdbcUrl) + (username == null ? "" : " as " + username);
  }
}
