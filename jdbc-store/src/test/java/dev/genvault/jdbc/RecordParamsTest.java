package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class RecordParamsTest {
  @Test
  void named_parameters_become_positions_and_casts_are_left_alone() {
    RecordParams.Positional p =
        new RecordParams.Positional(
            "UPDATE t SET a = :a, j = :json::jsonb WHERE id = :id AND b = :a");
    assertThat(p.sql).isEqualTo("UPDATE t SET a = ?, j = ?::jsonb WHERE id = ? AND b = ?");
    assertThat(p.count()).isEqualTo(4);
  }

  @Test
  void a_name_used_twice_is_set_at_both_places_and_an_unknown_name_is_refused()
      throws SQLException {
    RecordParams.Positional p =
        new RecordParams.Positional("SELECT CAST(:a AS VARCHAR) || '-' || :n || '-' || :a");
    try (Connection c = DriverManager.getConnection("jdbc:h2:mem:params");
        PreparedStatement ps = p.prepare(c)) {
      RecordParams<SQLException> params = p.bind(ps, Dialect.H2.sql());
      params.text("a", "x");
      params.integer("n", 7);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("x-7-x");
      }
      assertThatThrownBy(() -> params.text("missing", "y"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(":missing");
    }
  }
}
