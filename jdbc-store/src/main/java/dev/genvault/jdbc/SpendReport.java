package dev.genvault.jdbc;

import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.ColumnMapper;
import org.jdbi.v3.core.statement.Query;
import org.jspecify.annotations.Nullable;

/**
 * Spend grouped by user, model and UTC day. Counts and tokens are summed in SQL; costs too where
 * the database sums decimals exactly, else (SQLite) the exact decimals are added here.
 */
final class SpendReport {
  private final SqlDialect dialect;
  private final SpendQuery q;
  private final String with;
  private final String select;
  private final String where;
  private final String groupBy;

  SpendReport(SqlDialect dialect, SpendQuery q) {
    this.dialect = dialect;
    this.q = q;
    boolean byUser = q.groupBy().contains(SpendQuery.Dimension.USER);
    boolean byModel = q.groupBy().contains(SpendQuery.Dimension.MODEL);
    boolean byDay = q.groupBy().contains(SpendQuery.Dimension.DAY);
    List<String> groups = new ArrayList<>();
    if (byUser) {
      groups.add("user_id");
    }
    if (byModel) {
      groups.add("model");
    }
    if (byDay) {
      groups.add(dialect.day("created_at"));
    }
    this.select =
        (byUser ? "user_id" : "NULL")
            + " AS g_user, "
            + (byModel ? "model" : "NULL")
            + " AS g_model, "
            + (byDay ? dialect.day("created_at") : "NULL")
            + " AS g_day";
    this.with = q.threadId().isPresent() ? ThreadRows.THREAD + " " : "";
    this.where =
        " FROM generations WHERE created_at >= :from AND created_at < :to"
            + (q.userId().isPresent() ? " AND user_id = :userId" : "")
            + (q.tenantId().isPresent() ? " AND tenant_id = :tenantId" : "")
            + (q.threadId().isPresent() ? " AND id IN (SELECT id FROM thread)" : "");
    this.groupBy = groups.isEmpty() ? "" : " GROUP BY " + String.join(", ", groups);
  }

  /** The totals query. */
  String totalsSql() {
    return with
        + "SELECT "
        + select
        + ", COUNT(*) AS n, COALESCE(SUM(input_tokens), 0) AS tin,"
        + " COALESCE(SUM(output_tokens), 0) AS tout, COUNT(cost_usd) AS priced"
        + (dialect.sumsDecimalsExactly() ? ", SUM(cost_usd) AS cost" : "")
        + where
        + groupBy;
  }

  List<SpendRow> run(Handle h) {
    Map<List<Object>, SpendRow> rows = new LinkedHashMap<>();
    bind(ThreadRows.planEachTime(h.createQuery(totalsSql()), dialect))
        .map(
            (rs, ctx) ->
                new SpendRow(
                    rs.getString("g_user"),
                    rs.getString("g_model"),
                    day(rs),
                    rs.getLong("n"),
                    rs.getLong("tin"),
                    rs.getLong("tout"),
                    dialect.sumsDecimalsExactly() && rs.getBigDecimal("cost") != null
                        ? rs.getBigDecimal("cost")
                        : BigDecimal.ZERO,
                    rs.getLong("n") - rs.getLong("priced")))
        // An aggregate without GROUP BY answers one all-zero row for no match: drop it.
        .filter(r -> r.generations() > 0)
        .forEach(r -> rows.put(Arrays.asList(r.userId(), r.model(), r.day()), r));
    if (!dialect.sumsDecimalsExactly()) {
      addExactCosts(h, rows);
    }
    return List.copyOf(rows.values());
  }

  /** Sums each group's costs in Java: SQLite would sum decimal text as floating point. */
  private void addExactCosts(Handle h, Map<List<Object>, SpendRow> rows) {
    Map<List<Object>, BigDecimal> sums = new HashMap<>();
    bind(h.createQuery(
            with + "SELECT " + select + ", cost_usd" + where + " AND cost_usd IS NOT NULL"))
        .map(
            (rs, ctx) -> {
              ColumnMapper<BigDecimal> decimal = ColumnTypes.mapper(ctx, ColumnTypes.DECIMAL);
              return Map.entry(
                  Arrays.<Object>asList(rs.getString("g_user"), rs.getString("g_model"), day(rs)),
                  decimal.map(rs, "cost_usd", ctx));
            })
        .forEach(e -> sums.merge(e.getKey(), e.getValue(), BigDecimal::add));
    sums.forEach(
        (key, sum) -> {
          SpendRow r = rows.get(key);
          if (r != null) {
            rows.put(
                key,
                new SpendRow(
                    r.userId(),
                    r.model(),
                    r.day(),
                    r.generations(),
                    r.inputTokens(),
                    r.outputTokens(),
                    sum,
                    r.unpriced()));
          }
        });
  }

  private Query bind(Query query) {
    query
        .bindByType("from", q.createdFrom(), ColumnTypes.TIME)
        .bindByType("to", q.createdBefore(), ColumnTypes.TIME);
    q.userId().ifPresent(u -> query.bind("userId", u));
    q.tenantId().ifPresent(t -> query.bind("tenantId", t));
    q.threadId().ifPresent(t -> query.bind("threadId", t));
    return query;
  }

  private static @Nullable LocalDate day(ResultSet rs) throws SQLException {
    Object value = rs.getObject("g_day");
    if (value == null) {
      return null;
    }
    if (value instanceof java.sql.Date) {
      return ((java.sql.Date) value).toLocalDate();
    }
    if (value instanceof LocalDate) {
      return (LocalDate) value;
    }
    return LocalDate.parse(value.toString());
  }
}
