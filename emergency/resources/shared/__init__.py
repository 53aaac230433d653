"""What the resource sub-packages share: who may change a record, the register import bases, view helpers."""
