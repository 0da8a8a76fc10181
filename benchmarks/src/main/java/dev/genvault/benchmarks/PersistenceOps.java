package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.IdGenerator;
import dev.genvault.PriceSource;
import dev.genvault.RequestField;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.GroupCommitStore;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Set;

/**
 * A non-streaming generation's persistence (insert pending + terminal update) three ways on one
 * pool: through {@link JdbcGenerationStore} with group commit (as {@code PersistentGenerator} uses
 * it), through the store alone, and by hand-written JDBC doing the same two statements with the
 * same values, one transaction each.
 */
final class PersistenceOps {
  private static final String TEXT = "x".repeat(1000);
  private static final String INSERT =
      "INSERT INTO generations (id, kind, user_id, tenant_id, model, provider, provider_model,"
          + " provider_response_id, request, metadata, text, finish_reason, usage, input_tokens,"
          + " output_tokens, cost_usd, cost_table, saved_cost_usd, status, error_type, error_message,"
          + " cached_from, fingerprint_bytes, created_at, first_token_at, completed_at, updated_at,"
          + " heartbeat_at)"
          + " VALUES (?, 'text', ?, ?, ?, 'openai', NULL, NULL, CAST(? AS JSONB), NULL, '', NULL, NULL,"
          + " NULL, NULL, NULL, NULL, NULL, 'pending', NULL, NULL, NULL, ?, ?, NULL, NULL, ?, ?)";
  private static final String UPDATE =
      "UPDATE generations SET text = ?, finish_reason = 'stop', usage = CAST(? AS JSONB),"
          + " input_tokens = ?, output_tokens = ?, cost_usd = ?, cost_table = ?, status = 'complete',"
          + " provider_model = ?, provider_response_id = ?, completed_at = ?, updated_at = ?,"
          + " heartbeat_at = NULL WHERE id = ? AND status IN ('pending', 'streaming')";

  final HikariDataSource pool;
  final JdbcGenerationStore store;
  final GenerationStore grouped;
  private final IdGenerator ids = IdGenerator.nanoid();
  private final GenerationRequest request =
      GenerationRequest.builder()
          .model("gpt-4o-mini")
          .prompt("Write a haiku about durable storage")
          .userId("u1")
          .tenantId("t1")
          .build();
  // The request as the store keeps it: without the fields that have columns of their own.
  private final String requestJson =
      RecordJson.storedRequest(
          request,
          0,
          Set.of(
              RequestField.KIND,
              RequestField.MODEL,
              RequestField.USER_ID,
              RequestField.TENANT_ID,
              RequestField.METADATA));
  private final Usage usage = Usage.of(120, 250);
  // The fingerprint (128 bits) as the store keeps it since schema 7: bytes.
  private static final byte[] FINGERPRINT = new byte[16];
  private final Cost cost = new Cost(new BigDecimal("0.0001680"), PriceSource.table("2026-08-21"));

  PersistenceOps(HikariDataSource pool) {
    this(pool, GroupCommitStore.DEFAULT_MAX_IN_FLIGHT);
  }

  PersistenceOps(HikariDataSource pool, int maxInFlight) {
    this.pool = pool;
    this.store = JdbcGenerationStore.create(pool);
    this.grouped = GroupCommitStore.wrap(store, GroupCommitStore.DEFAULT_MAX_BATCH, maxInFlight);
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  Generation pending() {
    Instant created = now();
    return Generation.builder()
        .id(ids.newId())
        .request(request)
        .provider("openai")
        .fingerprint("0".repeat(32))
        .createdAt(created)
        .heartbeatAt(created)
        .build();
  }

  /** Insert pending + finish through {@code store}. */
  void generation(GenerationStore store) {
    Generation pending = pending();
    store.insert(pending);
    Instant done = now();
    store.finish(
        pending.toBuilder()
            .status(GenerationStatus.COMPLETE)
            .text(TEXT)
            .finishReason("stop")
            .usage(usage)
            .cost(cost)
            .providerModel("gpt-4o-mini-2024-07-18")
            .providerResponseId("chatcmpl-1")
            .completedAt(done)
            .updatedAt(done)
            .heartbeatAt(null)
            .build());
  }

  String rawInsert() throws SQLException {
    String id = ids.newId();
    Instant created = now();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(INSERT)) {
      ps.setString(1, id);
      ps.setString(2, "u1");
      ps.setString(3, "t1");
      ps.setString(4, "gpt-4o-mini");
      ps.setString(5, requestJson);
      ps.setBytes(6, FINGERPRINT);
      ps.setObject(7, created.atOffset(ZoneOffset.UTC));
      ps.setObject(8, created.atOffset(ZoneOffset.UTC));
      ps.setObject(9, created.atOffset(ZoneOffset.UTC));
      ps.executeUpdate();
    }
    return id;
  }

  /** The same two statements by hand, one transaction each. */
  void raw() throws SQLException {
    String id = rawInsert();
    Instant done = now();
    try (Connection c = pool.getConnection();
        PreparedStatement ps = c.prepareStatement(UPDATE)) {
      ps.setString(1, TEXT);
      ps.setNull(2, Types.VARCHAR); // a usage of the two counts alone: no JSON, as the store
      ps.setLong(3, 120);
      ps.setLong(4, 250);
      ps.setBigDecimal(5, cost.usd());
      ps.setString(6, cost.source().id());
      ps.setString(7, "gpt-4o-mini-2024-07-18");
      ps.setString(8, "chatcmpl-1");
      ps.setObject(9, done.atOffset(ZoneOffset.UTC));
      ps.setObject(10, done.atOffset(ZoneOffset.UTC), Types.TIMESTAMP_WITH_TIMEZONE);
      ps.setString(11, id);
      if (ps.executeUpdate() != 1) {
        throw new IllegalStateException("the raw update missed its row");
      }
    }
  }
}
