package dev.genvault.jdbc;

import dev.genvault.spi.BudgetLedger;
import dev.genvault.tck.BudgetLedgerContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class SqliteBudgetLedgerTest extends BudgetLedgerContract {
  @TempDir Path dir;
  private JdbcGenerationStore store;

  @Override
  protected BudgetLedger createLedger() {
    store = JdbcGenerationStore.sqlite(dir.resolve("genvault.db"));
    return JdbcBudgetLedger.create(store);
  }

  @Override
  protected void closeLedger(BudgetLedger ledger) {
    store.close();
  }
}
