package dev.genvault.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Script;
import org.jspecify.annotations.Nullable;

/**
 * Genvault's tables at start, as the {@link SchemaMode} says: created from the dialect's DDL file
 * (version 1) and brought to {@link JdbcGenerationStore#SCHEMA_VERSION} by its migration files, in
 * order (each run through Jdbi's {@link Script}, which parses statements and comments; every
 * statement is {@code IF NOT EXISTS}, so processes starting together do no harm), or only checked.
 * The store and {@link JdbcDedupCache} prepare the same schema.
 */
final class Schema {
  private static final String VERSION = "SELECT MAX(version) FROM genvault_schema";

  private Schema() {}

  /**
   * The dialect of the database behind {@code jdbi} (as given, else read from a connection), once
   * the schema is prepared as {@code mode} says: how a store and a cache start.
   */
  static Dialect open(Jdbi jdbi, @Nullable Dialect dialect, SchemaMode mode) throws SQLException {
    Dialect d =
        dialect != null
            ? dialect
            : jdbi.withHandle(h -> Dialect.of(h.getConnection().getMetaData()));
    prepare(jdbi, d, mode);
    return d;
  }

  static void prepare(Jdbi jdbi, Dialect dialect, SchemaMode mode) throws SQLException {
    if (mode == SchemaMode.NONE) {
      return;
    }
    jdbi.useHandle(
        h -> {
          if (mode == SchemaMode.CREATE_IF_MISSING) {
            Integer version = versionIfAny(h);
            if (version == null) {
              // Version 1 only where there is no schema yet: run again on a later version, it
              // would bring back the indexes that later migrations dropped.
              script(h, dialect.schemaResource()).executeAsSeparateStatements();
              version = h.createQuery(VERSION).mapTo(Integer.class).one();
            }
            int from = version == null ? 1 : version;
            if (from > JdbcGenerationStore.SCHEMA_VERSION) {
              checkVersion(from, dialect);
            }
            for (int v = from + 1; v <= JdbcGenerationStore.SCHEMA_VERSION; v++) {
              migrate(h, dialect.migrationResource(v));
            }
            if (version == null || from < JdbcGenerationStore.SCHEMA_VERSION) {
              h.createUpdate("INSERT INTO genvault_schema (version) VALUES (:version)")
                  .bind("version", JdbcGenerationStore.SCHEMA_VERSION)
                  .execute();
            }
            return;
          }
          Integer version;
          try {
            version = h.createQuery(VERSION).mapTo(Integer.class).one();
          } catch (JdbiException e) {
            throw new IllegalStateException(
                "the Genvault schema is missing (table genvault_schema); create it from "
                    + dialect.schemaResource()
                    + " and "
                    + dialect.migrationResources()
                    + " or use SchemaMode.CREATE_IF_MISSING",
                e);
          }
          if (version == null) {
            throw new IllegalStateException("the Genvault schema has no version row");
          }
          checkVersion(version, dialect);
        });
  }

  /**
   * The schema's version, or null where there is no schema table (a new database) or no version in
   * it yet. The table is looked up in the connection's metadata, not inferred from a failed query:
   * a query failing for any other reason must not run the version-1 DDL on a later schema.
   */
  private static @Nullable Integer versionIfAny(Handle h) throws SQLException {
    Connection c = h.getConnection();
    String schema;
    try {
      schema = c.getSchema();
    } catch (SQLException | AbstractMethodError e) {
      schema = null; // a driver without schemas: any
    }
    DatabaseMetaData metadata = c.getMetaData();
    for (String name : List.of("genvault_schema", "GENVAULT_SCHEMA")) {
      try (ResultSet tables = metadata.getTables(null, schema, name, null)) {
        if (tables.next()) {
          return h.createQuery(VERSION).mapTo(Integer.class).one();
        }
      }
    }
    return null;
  }

  /**
   * Runs a migration file's statements one by one. SQLite has no {@code ADD COLUMN IF NOT EXISTS}:
   * a column another process added first ("duplicate column name") is taken as done.
   */
  private static void migrate(Handle h, String resource) {
    for (String statement : script(h, resource).getStatements()) {
      try {
        h.execute(statement);
      } catch (JdbiException e) {
        if (!String.valueOf(e.getMessage()).contains("duplicate column name")) {
          throw e;
        }
      }
    }
  }

  /** The statements of a dialect's DDL file (version 1), as Jdbi's script parser splits them. */
  static List<String> statements(Jdbi jdbi, Dialect dialect) {
    return statements(jdbi, dialect.schemaResource());
  }

  /** The statements of a file beside this class, as Jdbi's script parser splits them. */
  static List<String> statements(Jdbi jdbi, String resource) {
    return jdbi.withHandle(h -> script(h, resource).getStatements());
  }

  private static Script script(Handle h, String resource) {
    return h.createScript(text(resource));
  }

  private static String text(String resource) {
    try (InputStream in = Schema.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resource, e);
    }
  }

  private static void checkVersion(int version, Dialect dialect) {
    if (version == JdbcGenerationStore.SCHEMA_VERSION) {
      return;
    }
    String fix =
        version < JdbcGenerationStore.SCHEMA_VERSION
            ? ": apply "
                + dialect
                    .migrationResources()
                    .subList(Math.max(0, version - 1), JdbcGenerationStore.SCHEMA_VERSION - 1)
                + " (beside JdbcGenerationStore) or start once with SchemaMode.CREATE_IF_MISSING"
            : "";
    throw new IllegalStateException(
        "the Genvault schema is at version "
            + version
            + ", this code needs "
            + JdbcGenerationStore.SCHEMA_VERSION
            + fix);
  }
}
