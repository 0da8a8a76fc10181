package dev.genvault.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.Script;

/**
 * The store's tables at start: created from the dialect's DDL file (run through Jdbi's {@link
 * Script}, which parses statements and comments), or only checked against {@link
 * JdbcGenerationStore#SCHEMA_VERSION}, as the {@link SchemaMode} says.
 */
final class Schema {
  private static final String VERSION = "SELECT MAX(version) FROM genvault_schema";

  private Schema() {}

  static void prepare(Jdbi jdbi, Dialect dialect, SchemaMode mode) {
    if (mode == SchemaMode.NONE) {
      return;
    }
    jdbi.useHandle(
        h -> {
          if (mode == SchemaMode.CREATE_IF_MISSING) {
            script(h, dialect).executeAsSeparateStatements();
            Integer version = h.createQuery(VERSION).mapTo(Integer.class).one();
            if (version == null) {
              h.createUpdate("INSERT INTO genvault_schema (version) VALUES (:version)")
                  .bind("version", JdbcGenerationStore.SCHEMA_VERSION)
                  .execute();
              return;
            }
            checkVersion(version);
            return;
          }
          Integer version;
          try {
            version = h.createQuery(VERSION).mapTo(Integer.class).one();
          } catch (JdbiException e) {
            throw new IllegalStateException(
                "the Genvault schema is missing (table genvault_schema); create it from "
                    + dialect.schemaResource()
                    + " or use SchemaMode.CREATE_IF_MISSING",
                e);
          }
          if (version == null) {
            throw new IllegalStateException("the Genvault schema has no version row");
          }
          checkVersion(version);
        });
  }

  /** The statements of a dialect's DDL file, as Jdbi's script parser splits them. */
  static List<String> statements(Jdbi jdbi, Dialect dialect) {
    return jdbi.withHandle(h -> script(h, dialect).getStatements());
  }

  private static Script script(Handle h, Dialect dialect) {
    return h.createScript(ddl(dialect));
  }

  private static String ddl(Dialect dialect) {
    try (InputStream in = Schema.class.getResourceAsStream(dialect.schemaResource())) {
      if (in == null) {
        throw new IllegalStateException("missing " + dialect.schemaResource());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + dialect.schemaResource(), e);
    }
  }

  private static void checkVersion(int version) {
    if (version != JdbcGenerationStore.SCHEMA_VERSION) {
      throw new IllegalStateException(
          "the Genvault schema is at version "
              + version
              + ", this code needs "
              + JdbcGenerationStore.SCHEMA_VERSION);
    }
  }
}
