"""Duban (督办): a plan-driven supervision ledger."""
