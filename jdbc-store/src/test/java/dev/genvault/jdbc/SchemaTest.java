package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DDL files are read by Jdbi's script parser, comments and all. */
class SchemaTest {

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void each_ddl_file_parses_into_its_four_tables_and_five_indexes(Dialect d) {
    // A semicolon and an apostrophe in comments must split nothing.
    List<String> statements = Schema.statements(Jdbi.create("jdbc:h2:mem:"), d);
    assertThat(statements).hasSize(9).allSatisfy(s -> assertThat(s).contains("CREATE "));
    assertThat(statements.stream().filter(s -> s.contains("CREATE INDEX"))).hasSize(5);
    assertThat(statements.stream().filter(s -> s.contains("CREATE TABLE"))).hasSize(4);
  }
}
