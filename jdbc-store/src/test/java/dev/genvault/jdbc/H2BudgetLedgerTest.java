package dev.genvault.jdbc;

import dev.genvault.spi.BudgetLedger;
import dev.genvault.tck.BudgetLedgerContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2BudgetLedgerTest extends BudgetLedgerContract {
  @TempDir Path dir;
  private JdbcGenerationStore store;

  @Override
  protected BudgetLedger createLedger() {
    store =
        JdbcGenerationStore.builder()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("genvault").toAbsolutePath())
            .build();
    return JdbcBudgetLedger.create(store);
  }

  @Override
  protected void closeLedger(BudgetLedger ledger) {
    store.close();
  }
}
