package dev.genvault.jdbc;

/** What {@link JdbcGenerationStore} does about the schema when it starts. */
public enum SchemaMode {
  /** Creates the tables and indexes that are missing (default); existing ones are left alone. */
  CREATE_IF_MISSING,
  /** Only checks that the schema exists at the expected version; fails the start otherwise. */
  VERIFY,
  /** Does nothing: the schema is managed elsewhere (e.g. by your migrations from the DDL files). */
  NONE
}
