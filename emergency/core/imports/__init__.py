"""Spreadsheet import with preview, shared by every register (see registry.py and services.py).

Specs register themselves lazily: `registry.get_spec()` imports them on first use, after Django is set up.
"""
