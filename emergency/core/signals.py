"""Scope registrations for core models (see scoping.py)."""

from . import scoping
from .models import Department, DepartmentAlias, Division

scoping.register(Division, scoping.ScopeSpec(division=""))
scoping.register(Department, scoping.ScopeSpec.reference())
scoping.register(DepartmentAlias, scoping.ScopeSpec.reference())
