/**
 * {@link dev.genvault.spi.GenerationStore} on PostgreSQL, SQLite and H2 through Jdbi 3 and
 * HikariCP: {@link dev.genvault.jdbc.JdbcGenerationStore}; and the dedup cache in the same
 * database, {@link dev.genvault.jdbc.JdbcDedupCache}.
 */
@NullMarked
package dev.genvault.jdbc;

import org.jspecify.annotations.NullMarked;
