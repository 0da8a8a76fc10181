package dev.genvault.tck;

import dev.genvault.spi.BudgetLedger;

class InMemoryBudgetLedgerTest extends BudgetLedgerContract {
  @Override
  protected BudgetLedger createLedger() {
    return BudgetLedger.inMemory();
  }
}
