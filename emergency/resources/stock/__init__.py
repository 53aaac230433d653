"""Supplies: the catalogue, warehouses, the stock ledger and the stock documents."""
