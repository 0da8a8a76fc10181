package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * How a large text column is best stored on PostgreSQL: the default {@code pglz} compression,
 * {@code lz4} (PostgreSQL 14 and later, where the server is built with it), or none ({@code STORAGE
 * EXTERNAL}: out of line, uncompressed). For texts of 1, 4, 16 and 64 KB, cut at random places from
 * English prose (the licence texts every JDK ships under {@code $JAVA_HOME/legal}: text that
 * compresses as generated prose does; random letters would not compress at all), and from words of
 * random letters, each method inserts the same rows into a table of its own in alternating slices
 * on one durable server; reported per row: the server backend's CPU ({@code /proc/PID/schedstat})
 * for the INSERT and its commit, the bytes stored (table, TOAST and index, after the slices), and
 * the CPU to read the text back.
 *
 * <p>Arguments (optional): slices per method and size (9), rows per slice (100), and the JDBC URL
 * of a server on this machine to use instead of the embedded one (whose build has no lz4), for
 * example a Debian PostgreSQL 15 on 127.0.0.1.
 */
public final class ColumnCompression {
  private static String[] methods = {"pglz", "lz4", "external"};

  private ColumnCompression() {}

  public static void main(String[] args) throws Exception {
    int slices = args.length > 0 ? Integer.parseInt(args[0]) : 9;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String url = args.length > 2 ? args[2] : null;
    try (EmbeddedPostgres postgres = url == null ? Databases.durable() : null;
        HikariDataSource pool = url == null ? Databases.pool(postgres, 2) : pool(url);
        Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      long backend;
      try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        backend = rs.getLong(1);
      }
      if (!supportsLz4(s)) {
        System.out.println("this server was built without lz4: pglz and external only");
        methods = new String[] {"pglz", "external"};
      }
      System.out.printf(
          Locale.ROOT,
          "%-15s %-9s %12s %12s %12s%n",
          "text",
          "method",
          "insert us",
          "read us",
          "stored B");
      SplittableRandom random = new SplittableRandom(11);
      String prose = prose();
      for (String kind : new String[] {"prose", "random"}) {
        for (int kb : new int[] {1, 4, 16, 64}) {
          String[] texts = new String[rows];
          for (int i = 0; i < rows; i++) {
            if (kind.equals("prose")) {
              int at = random.nextInt(prose.length() - kb * 1024);
              texts[i] = prose.substring(at, at + kb * 1024);
            } else {
              texts[i] = ChatPeerLoad.words(random, kb * 1024);
            }
          }
          for (String m : methods) {
            s.execute("DROP TABLE IF EXISTS text_" + m);
            s.execute("CREATE TABLE text_" + m + " (id SERIAL PRIMARY KEY, text TEXT NOT NULL)");
            s.execute(
                "ALTER TABLE text_"
                    + m
                    + " ALTER COLUMN text SET "
                    + (m.equals("external") ? "STORAGE EXTERNAL" : "COMPRESSION " + m));
          }
          List<List<Double>> inserts = new ArrayList<>();
          List<List<Double>> reads = new ArrayList<>();
          for (int k = 0; k < methods.length; k++) {
            inserts.add(new ArrayList<>());
            reads.add(new ArrayList<>());
          }
          for (int slice = 0; slice < slices; slice++) {
            for (int j = 0; j < methods.length; j++) {
              int k = (slice + j) % methods.length; // each slice starts with the next method
              String table = "text_" + methods[k];
              long cpu0 = Databases.onCpu(backend);
              try (PreparedStatement insert =
                  c.prepareStatement("INSERT INTO " + table + " (text) VALUES (?)")) {
                for (String text : texts) {
                  insert.setString(1, text);
                  insert.executeUpdate(); // autocommit: one durable commit per row, as a finish
                }
              }
              inserts.get(k).add((Databases.onCpu(backend) - cpu0) / 1e3 / rows);
              cpu0 = Databases.onCpu(backend);
              try (ResultSet rs =
                  s.executeQuery("SELECT text FROM " + table + " ORDER BY id DESC LIMIT " + rows)) {
                while (rs.next()) {
                  rs.getString(1);
                }
              }
              reads.get(k).add((Databases.onCpu(backend) - cpu0) / 1e3 / rows);
            }
          }
          for (int k = 0; k < methods.length; k++) {
            System.out.printf(
                Locale.ROOT,
                "%-15s %-9s %12.1f %12.1f %12.0f%n",
                kb + " KB " + kind,
                methods[k],
                median(inserts.get(k)),
                median(reads.get(k)),
                (double) Databases.size(pool, "text_" + methods[k]) / ((long) slices * rows));
          }
        }
      }
    }
  }

  private static HikariDataSource pool(String url) {
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  /** The English licence texts of this JDK, joined (at least 64 KB of them). */
  private static String prose() throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    Path legal = Path.of(System.getProperty("java.home"), "legal");
    try (java.util.stream.Stream<Path> files = Files.walk(legal)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        b.append(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).append('\n');
      }
    }
    if (b.length() < 128 * 1024) {
      throw new IllegalStateException("too little text under " + legal);
    }
    return b.toString();
  }

  private static boolean supportsLz4(Statement s) throws java.sql.SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression'"
                + " AND 'lz4' = ANY(enumvals)")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }
}
