"""Loads the resource registers for the spreadsheet import.

`emergency.core.imports` finds an app's registers by importing `<app>/imports.py` (Django's
`autodiscover_modules("imports")`); the registers of this app live in its sub-packages and register themselves
when imported, so this module imports them and holds nothing else. Import a register from its sub-package.
"""

from __future__ import annotations

from .reserves import imports as reserve_imports  # noqa: F401 - registers `reserves`
from .shelters import imports as shelter_imports  # noqa: F401 - registers `shelters`
from .stock import imports as stock_imports  # noqa: F401 - registers `warehouses`
from .teams import imports as team_imports  # noqa: F401 - registers `teams`, `experts`, `equipment`
