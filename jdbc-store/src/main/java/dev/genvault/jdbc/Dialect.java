package dev.genvault.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A database Genvault knows how to store generations in. Each has its own schema file beside this
 * class ({@code schema-postgresql.sql}, {@code schema-sqlite.sql}, {@code schema-h2.sql}).
 */
public enum Dialect {
  /** PostgreSQL 12 or later: JSONB documents, exact NUMERIC costs, TIMESTAMPTZ times. */
  POSTGRESQL("schema-postgresql.sql", new PostgresDialect()),
  /** SQLite 3.35 or later: JSON and exact costs as text, times as UTC epoch microseconds. */
  SQLITE("schema-sqlite.sql", new SqliteDialect()),
  /** H2 2.x: exact DECFLOAT costs, TIMESTAMP WITH TIME ZONE times. */
  H2("schema-h2.sql", new H2Dialect());

  private final String schemaResource;
  private final SqlDialect sql;

  Dialect(String schemaResource, SqlDialect sql) {
    this.schemaResource = schemaResource;
    this.sql = sql;
  }

  /** The DDL file beside this class. */
  public String schemaResource() {
    return schemaResource;
  }

  /**
   * The files beside this class that bring a schema of version 1 (created from {@link
   * #schemaResource()}) to {@link JdbcGenerationStore#SCHEMA_VERSION}, in order: {@code
   * migrate-2-postgresql.sql} and so on. {@link SchemaMode#CREATE_IF_MISSING} applies them; with
   * {@link SchemaMode#NONE} your migrations do.
   */
  public List<String> migrationResources() {
    List<String> files = new ArrayList<>();
    for (int v = 2; v <= JdbcGenerationStore.SCHEMA_VERSION; v++) {
      files.add(migrationResource(v));
    }
    return List.copyOf(files);
  }

  /** The file that brings a schema from version {@code version - 1} to {@code version}. */
  String migrationResource(int version) {
    return "migrate-" + version + "-" + lowerName() + ".sql";
  }

  /** How the store speaks to this database. */
  SqlDialect sql() {
    return sql;
  }

  /**
   * The dialect of a connection's database.
   *
   * @throws IllegalStateException for a database Genvault does not support (never a silent guess)
   */
  public static Dialect of(DatabaseMetaData meta) throws SQLException {
    String product = meta.getDatabaseProductName();
    String name = product == null ? "" : product.toLowerCase(Locale.ROOT);
    if (name.contains("postgresql")) {
      return POSTGRESQL;
    }
    if (name.contains("sqlite")) {
      return SQLITE;
    }
    if (name.equals("h2")) {
      return H2;
    }
    throw new IllegalStateException(
        "Genvault does not support the database '"
            + product
            + "'; supported are PostgreSQL, SQLite and H2 (set the dialect explicitly only for one of them)");
  }

  /** The dialect's name in messages: {@code postgresql}, {@code sqlite}, {@code h2}. */
  String lowerName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
