package dev.genvault.jdbc;

import dev.genvault.GenerationRequest;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.math.BigDecimal;
import java.sql.Types;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.argument.Argument;
import org.jdbi.v3.core.argument.QualifiedArgumentFactory;
import org.jdbi.v3.core.config.ConfigRegistry;
import org.jdbi.v3.core.generic.GenericType;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.qualifier.QualifiedType;
import org.jdbi.v3.core.qualifier.Qualifier;
import org.jdbi.v3.core.spi.JdbiPlugin;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;

/**
 * The record's value types as the store's columns hold them, registered on a {@link Jdbi} as
 * qualified argument factories and column mappers: times and exact decimals {@link AsStored} (as
 * the dialect keeps them), usage, request and string maps as {@link Json} text (through {@link
 * RecordJson}). Every type is qualified, so installing this on a {@code Jdbi} of yours changes
 * nothing about how your own {@code Instant}s, {@code BigDecimal}s or strings are bound.
 */
final class ColumnTypes implements JdbiPlugin {

  /** A value bound and read as this dialect's column keeps it. */
  @Qualifier
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
  @interface AsStored {}

  /** A value kept as JSON text (JSONB on PostgreSQL, by a cast in the statement). */
  @Qualifier
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.TYPE_USE, ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
  @interface Json {}

  static final QualifiedType<Instant> TIME = QualifiedType.of(Instant.class).with(AsStored.class);
  static final QualifiedType<BigDecimal> DECIMAL =
      QualifiedType.of(BigDecimal.class).with(AsStored.class);
  static final QualifiedType<Usage> USAGE = QualifiedType.of(Usage.class).with(Json.class);
  static final QualifiedType<GenerationRequest> REQUEST =
      QualifiedType.of(GenerationRequest.class).with(Json.class);

  /** A map of strings; empty is stored as NULL and NULL is read as empty. */
  static final QualifiedType<Map<String, String>> STRING_MAP =
      QualifiedType.of(new GenericType<Map<String, String>>() {}).with(Json.class);

  private final SqlDialect dialect;

  ColumnTypes(SqlDialect dialect) {
    this.dialect = dialect;
  }

  @Override
  public void customizeJdbi(Jdbi jdbi) {
    jdbi.registerArgument(new Arguments());
    jdbi.registerColumnMapper(TIME, (rs, column, ctx) -> dialect.getTime(rs, column));
    jdbi.registerColumnMapper(DECIMAL, (rs, column, ctx) -> dialect.getDecimal(rs, column));
    jdbi.registerColumnMapper(USAGE, json(RecordJson::usage, null));
    jdbi.registerColumnMapper(REQUEST, json(RecordJson::request, null));
    jdbi.registerColumnMapper(STRING_MAP, json(RecordJson::stringMap, Map.of()));
  }

  private static <T> ColumnMapper<T> json(Function<String, T> parse, @Nullable T absent) {
    return (rs, column, ctx) -> {
      String text = rs.getString(column);
      return text == null ? absent : parse.apply(text);
    };
  }

  /** A column's mapper for one result set. */
  static <T> ColumnMapper<T> mapper(StatementContext ctx, QualifiedType<T> type) {
    return ctx.findColumnMapperFor(type)
        .orElseThrow(() -> new IllegalStateException("no column mapper for " + type));
  }

  /** Equal for one dialect, so Jdbi installs it once on a {@code Jdbi} given to several stores. */
  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ColumnTypes && ((ColumnTypes) o).dialect == dialect;
  }

  @Override
  public int hashCode() {
    return dialect.hashCode();
  }

  private final class Arguments implements QualifiedArgumentFactory.Preparable {
    @Override
    public Optional<Function<Object, Argument>> prepare(
        QualifiedType<?> type, ConfigRegistry config) {
      Function<@Nullable Object, Argument> argument;
      if (type.equals(TIME)) {
        argument = v -> (i, ps, ctx) -> dialect.setTime(ps, i, (Instant) v);
      } else if (type.equals(DECIMAL)) {
        argument = v -> (i, ps, ctx) -> dialect.setDecimal(ps, i, (BigDecimal) v);
      } else if (type.equals(USAGE)) {
        argument = v -> text(v == null ? null : RecordJson.usage((Usage) v));
      } else if (type.equals(REQUEST)) {
        argument = v -> text(v == null ? null : RecordJson.request((GenerationRequest) v));
      } else if (type.equals(STRING_MAP)) {
        argument = v -> text(stringMap(v));
      } else {
        return Optional.empty();
      }
      return Optional.of(argument::apply);
    }

    @Override
    public Optional<Argument> build(QualifiedType<?> type, Object value, ConfigRegistry config) {
      return prepare(type, config).map(f -> f.apply(value));
    }

    @SuppressWarnings("unchecked")
    private @Nullable String stringMap(@Nullable Object value) {
      Map<String, String> map = (Map<String, String>) value;
      return map == null || map.isEmpty() ? null : RecordJson.stringMap(map);
    }

    private Argument text(@Nullable String json) {
      return (i, ps, ctx) -> {
        if (json == null) {
          ps.setNull(i, Types.VARCHAR);
        } else {
          ps.setString(i, json);
        }
      };
    }
  }
}
