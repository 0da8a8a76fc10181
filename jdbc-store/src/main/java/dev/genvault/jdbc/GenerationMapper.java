package dev.genvault.jdbc;

import static dev.genvault.jdbc.ColumnTypes.DECIMAL;
import static dev.genvault.jdbc.ColumnTypes.STRING_MAP;
import static dev.genvault.jdbc.ColumnTypes.TIME;
import static dev.genvault.jdbc.ColumnTypes.USAGE;
import static dev.genvault.jdbc.ColumnTypes.mapper;

import dev.genvault.Cost;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationKind;
import dev.genvault.GenerationStatus;
import dev.genvault.PriceSource;
import dev.genvault.RequestField;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jspecify.annotations.Nullable;

/**
 * A {@code generations} row ({@link GenerationSql#COLUMNS}) as a {@link StoredRow}: the record
 * without its request, which a continuation holds only in part ({@link ThreadRows} makes it whole),
 * its blobs or its live chunks ({@link Attachments} adds those). Each column goes through the
 * mapper registered for its type by {@link ColumnTypes}, looked up once per result set.
 */
final class GenerationMapper implements RowMapper<StoredRow> {
  static final GenerationMapper INSTANCE = new GenerationMapper();

  private GenerationMapper() {}

  /** The request fields kept in columns of their own (see {@link ThreadRows#IN_COLUMNS}). */
  private static Map<RequestField, Object> columns(ResultSet r, Map<String, String> metadata)
      throws SQLException {
    Map<RequestField, Object> columns = new EnumMap<>(RequestField.class);
    columns.put(RequestField.KIND, GenerationKind.fromWireName(r.getString("kind")));
    columns.put(RequestField.MODEL, r.getString("model"));
    String user = r.getString("user_id");
    if (user != null) {
      columns.put(RequestField.USER_ID, user);
    }
    String tenant = r.getString("tenant_id");
    if (tenant != null) {
      columns.put(RequestField.TENANT_ID, tenant);
    }
    columns.put(RequestField.METADATA, metadata);
    return columns;
  }

  /**
   * The usage with its input and output counts from their columns: rows written since schema 3 keep
   * them there only; older rows have them in the JSON as well, and the JSON wins. A usage of those
   * two counts alone has no JSON at all (NULL, not {@code {}}), so a row with either count and no
   * JSON has that usage; a row with neither has none.
   */
  private static @Nullable Usage withCounts(@Nullable Usage usage, ResultSet r)
      throws SQLException {
    long in = r.getLong("input_tokens");
    Long input = r.wasNull() ? null : in;
    long out = r.getLong("output_tokens");
    Long output = r.wasNull() ? null : out;
    if (usage == null) {
      return input == null && output == null
          ? null
          : Usage.builder().inputTokens(input).outputTokens(output).build();
    }
    Usage.Builder b = usage.toBuilder();
    if (usage.inputTokens() == null && input != null) {
      b.inputTokens(input);
    }
    if (usage.outputTokens() == null && output != null) {
      b.outputTokens(output);
    }
    return b.build();
  }

  @Override
  public StoredRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return specialize(rs, ctx).map(rs, ctx);
  }

  @Override
  public RowMapper<StoredRow> specialize(ResultSet rs, StatementContext ctx) {
    ColumnMapper<Instant> time = mapper(ctx, TIME);
    ColumnMapper<BigDecimal> decimal = mapper(ctx, DECIMAL);
    ColumnMapper<Usage> usage = mapper(ctx, USAGE);
    ColumnMapper<Map<String, String>> stringMap = mapper(ctx, STRING_MAP);
    return (r, c) -> {
      Generation.Builder b =
          Generation.builder()
              .id(r.getString("id"))
              .provider(r.getString("provider"))
              .providerModel(r.getString("provider_model"))
              .providerResponseId(r.getString("provider_response_id"))
              .text(r.getString("text"))
              .finishReason(r.getString("finish_reason"))
              .cachedFrom(r.getString("cached_from"))
              .savedCost(decimal.map(r, "saved_cost_usd", c))
              .fingerprint(HashColumns.read(r, "fingerprint"))
              .createdAt(Objects.requireNonNull(time.map(r, "created_at", c)))
              .firstTokenAt(time.map(r, "first_token_at", c))
              .completedAt(time.map(r, "completed_at", c))
              .updatedAt(time.map(r, "updated_at", c))
              .heartbeatAt(time.map(r, "heartbeat_at", c))
              .toolCalls(r.getString("tool_calls"))
              .attributes(stringMap.map(r, "attributes", c))
              .usage(withCounts(usage.map(r, "usage", c), r));
      BigDecimal cost = decimal.map(r, "cost_usd", c);
      if (cost != null) {
        b.cost(new Cost(cost, PriceSource.of(r.getString("cost_table"))));
      }
      GenerationStatus status = GenerationStatus.fromWireName(r.getString("status"));
      if (status == GenerationStatus.ERROR) {
        b.error(ErrorType.fromWireName(r.getString("error_type")), r.getString("error_message"));
      } else {
        b.status(status);
      }
      int inherited = r.getInt("inherited_messages");
      int blobCount = r.getInt("blob_count");
      boolean blobCountKnown = !r.wasNull();
      return new StoredRow(
          b,
          r.getString("id"),
          r.getString("request"),
          r.getString("parent_id"),
          inherited,
          r.getString("thread_id"),
          columns(r, stringMap.map(r, "metadata", c)),
          blobCountKnown ? blobCount : null);
    };
  }
}
