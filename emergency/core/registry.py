"""What a domain plugs into the platform (issue 10 §2: domains plug in; core does not know them).

A domain app registers its pieces from its `AppConfig.ready()`, and core, the API and the demo read them from
here, never naming a domain:

- `register_nav(NavEntry(...))`: a navigation link, for the roles (or the predicate) that may use the page;
- `rules.register(*RULES)` (re-exported as `register_rules`): its thresholds, each with its Schema;
- `register_api_route(prefix, viewset, basename=…)` / `register_api_urls(prefix, urlconf)`: its routes under
  `/api/v1/` (on the root router, or its own URL list included at `prefix`);
- `register_demo(DemoLoader(...))`: its demo data, run in `order` by `manage.py seed_demo`;
- `register_todo(provider)`: a to-do provider, `(user) -> list[TodoEntry]`, shown on the home page (and by the
  workbench of the next issue).

Scopes (`scoping.register`), periodic jobs (`scheduler.register`) and import registers (`imports.registry`)
have their own registries; ARCHITECTURE.md "Adding a domain" lists them all. Callables may be given as dotted
paths ("emergency.x.demo.load_demo_x"), imported only when used, so that `ready()` stays light and a module
can move without its registration importing it early.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import import_string

from .roles import BUSINESS_ROLES, can_see_business
from .rules import RuleDefault, Schema, above_zero, list_of, mapping_of  # noqa: F401 - one front door
from .rules import register as register_rules  # noqa: F401


def _resolve(target: Callable | str) -> Callable:
    return import_string(target) if isinstance(target, str) else target


# --- navigation --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NavEntry:
    """A link in the navigation bar.

    `order` places it (core uses 0–99 for Home and Divisions, 900–999 for Departments and Map, 1000+ for the
    administrators' pages and 2000 for the API; domains take 100–899, in hundreds: plans 100, enterprises 200,
    prevention 300, resources 400). Who sees it: `roles` (a role set from core/roles.py; by default every
    business role, never the separated administrators), or `allowed(user)` when the page decides by more than
    the role (then `roles` is not consulted)."""

    key: str  # also what a page passes as `nav` to mark the link active
    label: Any  # a lazy translation
    url_name: str
    order: int
    roles: Collection[str] = BUSINESS_ROLES
    allowed: Callable[[Any], bool] | str | None = None

    def visible_to(self, user) -> bool:
        if not user.is_authenticated:
            return False
        if self.allowed is not None:
            return bool(_resolve(self.allowed)(user))
        return user.role in self.roles


_NAV: dict[str, NavEntry] = {}


def register_nav(entry: NavEntry) -> None:
    """Add (or, under the same key, replace) a navigation entry."""
    _NAV[entry.key] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(_NAV.values(), key=lambda e: (e.order, e.key))


def nav_for(user) -> list[dict]:
    """The links `user` sees, in order: {"label", "url", "key"}. A domain whose pages are not mounted (its URL
    name does not reverse) is simply not shown."""
    items = []
    for entry in nav_entries():
        if not entry.visible_to(user):
            continue
        try:
            items.append({"label": entry.label, "url": reverse(entry.url_name), "key": entry.key})
        except NoReverseMatch:
            continue
    return items


# --- API routes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRoute:
    """A viewset on the /api/v1/ root router (listed at the API root, e.g. `enterprises`)."""

    prefix: str
    viewset: type | str
    basename: str

    def viewset_class(self) -> type:
        return _resolve(self.viewset)


@dataclass(frozen=True)
class ApiUrls:
    """A domain's own URL list (routers and views), included at /api/v1/<prefix> (e.g. "prevention/")."""

    prefix: str
    urlconf: str  # a dotted module path with `urlpatterns`


_API_ROUTES: dict[str, ApiRoute] = {}
_API_URLS: dict[str, ApiUrls] = {}


def register_api_route(prefix: str, viewset: type | str, *, basename: str) -> None:
    _API_ROUTES[prefix] = ApiRoute(prefix, viewset, basename)


def register_api_urls(prefix: str, urlconf: str) -> None:
    if not prefix.endswith("/"):
        prefix += "/"
    _API_URLS[prefix] = ApiUrls(prefix, urlconf)


def api_routes() -> list[ApiRoute]:
    return list(_API_ROUTES.values())


def api_urls() -> list[ApiUrls]:
    return list(_API_URLS.values())


# --- demo data ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLoader:
    """One domain's demo data, loaded by `manage.py seed_demo` in `order` (each loader idempotent).

    `base` loaders make the data every other loader and the browser tests need (the accounts 20, the synthetic
    communities 30); domains' data take 100 and up (plans 100, prevention 200, resources 300). `accounts`: the usernames of the demo accounts this loader creates, which seed_demo prints."""

    name: str
    load: Callable[[], Any] | str
    order: int
    accounts: tuple[str, ...] = ()
    base: bool = False

    def run(self) -> Any:
        return _resolve(self.load)()


_DEMO: dict[str, DemoLoader] = {}


def register_demo(loader: DemoLoader) -> None:
    _DEMO[loader.name] = loader


def demo_loaders(*, base_only: bool = False) -> list[DemoLoader]:
    loaders = sorted(_DEMO.values(), key=lambda d: (d.order, d.name))
    return [d for d in loaders if d.base] if base_only else loaders


# --- to-do providers ---------------------------------------------------------------------------------------

TODO_LEVELS = ("info", "warning", "danger")


@dataclass(frozen=True)
class TodoEntry:
    """Something waiting for the user: how many, where to go, how urgent ("info", "warning" or "danger"). A count
    of None is a standing action with nothing to count (an expert keeping their availability current)."""

    label: Any
    count: int | None
    url: str
    level: str = "info"

    def __post_init__(self) -> None:
        if self.level not in TODO_LEVELS:
            raise ValueError(f"level must be one of {TODO_LEVELS}, not {self.level!r}")


TodoProvider = Callable[[Any], list[TodoEntry]]


_TODO: list[TodoProvider | str] = []
_ADMIN_TODO: list[TodoProvider | str] = []


def register_todo(provider: TodoProvider | str, *, administrators: bool = False) -> None:
    """A provider returns the user's to-dos from aggregate counts: a bounded number of queries whatever the
    number of rows, every count through `scoping.scope_queryset`, and [] for a user it does not serve.
    `administrators=True` registers one for the separated administrators (accounts, second factors, the audit
    log), who never reach the business providers."""
    providers = _ADMIN_TODO if administrators else _TODO
    if provider not in providers:
        providers.append(provider)


def todo_providers(*, administrators: bool = False) -> list[TodoProvider]:
    return [_resolve(p) for p in (_ADMIN_TODO if administrators else _TODO)]


def todos_for(user) -> list[TodoEntry]:
    """Every provider's entries with something to do (count > 0, or a standing action), in registration order.
    The separated administrators see no business data: they get only the administrators' providers."""
    providers = todo_providers(administrators=not can_see_business(user))
    return [entry for provider in providers for entry in provider(user)
            if entry.count is None or entry.count > 0]


# --- workbench panels ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PanelRow:
    """One line of a panel: a label, a figure (a count, or a percentage with `percent=True`), and where the
    figure's records are listed."""

    label: Any
    value: float
    url: str = ""
    percent: bool = False


@dataclass(frozen=True)
class Panel:
    """A figure of the district picture on the workbench (hazards by level, overdue by subdistrict, plan
    completion…): a title, its rows, and the page that shows the whole picture."""

    key: str
    title: Any
    rows: tuple[PanelRow, ...]
    url: str = ""
    empty: Any = ""


PanelProvider = Callable[[Any], list[Panel]]
_PANELS: list[PanelProvider | str] = []


def register_panel(provider: PanelProvider | str) -> None:
    """A provider returns the panels it shows this user (usually the bureau's district picture), from a
    bounded number of aggregate queries, through `scoping`; [] for a user it does not serve."""
    if provider not in _PANELS:
        _PANELS.append(provider)


def panels_for(user) -> list[Panel]:
    if not can_see_business(user):
        return []
    return [panel for provider in _PANELS for panel in _resolve(provider)(user)]


# --- search across the platform ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SearchHit:
    """One record found by the platform search: what kind of record, its title, a detail line, its page."""

    kind: Any
    title: str
    url: str
    detail: str = ""


SearchProvider = Callable[[Any, str, int], list[SearchHit]]
_SEARCH: list[SearchProvider | str] = []
SEARCH_LIMIT = 10  # per provider: the search points at records, the registers list them


def register_search(provider: SearchProvider | str) -> None:
    """A provider `(user, text, limit) -> [SearchHit]` finds the text inside its records' names (icontains,
    which finds a word inside Chinese text on SQLite and PostgreSQL alike), through `scoping.scope_queryset`,
    and returns [] for a user who may not read them."""
    if provider not in _SEARCH:
        _SEARCH.append(provider)


def search(user, text: str, *, limit: int = SEARCH_LIMIT) -> list[SearchHit]:
    text = text.strip()
    if not text or not can_see_business(user):
        return []
    return [hit for provider in _SEARCH for hit in _resolve(provider)(user, text, limit)]
