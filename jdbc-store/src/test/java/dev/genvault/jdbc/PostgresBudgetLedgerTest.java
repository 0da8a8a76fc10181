package dev.genvault.jdbc;

import dev.genvault.spi.BudgetLedger;
import dev.genvault.tck.BudgetLedgerContract;

class PostgresBudgetLedgerTest extends BudgetLedgerContract {
  @Override
  protected BudgetLedger createLedger() {
    return JdbcBudgetLedger.create(Postgres.pool());
  }
}
