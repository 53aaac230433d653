"""Who gets what: the expected answer of every URL pattern of the project for every persona (issue 10 §1, the proof).

tests/test_persona_matrix.py walks the URL resolver (every include, and the DRF routers under /api/v1/), looks each
pattern up in MATRIX by its key, requests it as each persona — object patterns once for an object inside the
persona's jurisdiction ("in") and once for one outside ("out"); tests/persona_dataset.py says which objects —
and compares the answer with the cell written here. A pattern missing from MATRIX fails the test, and so does an
entry whose pattern no longer exists: a new page cannot be added without saying who may open it.

Keys: the pattern's name with its namespace ("resources:shelter_detail"); a router's format-suffix twin gets
".<format>" ("division-list.<format>"); an unnamed pattern is keyed by its route ("/api/v1/…").

Cells:
- GET rows (`row`, `api`): the exact status code, or LOGIN (a 302 to the login page).
- POST rows (`post`: patterns that answer a GET with 405): POSTed with an empty body (or the row's `data`),
  REFUSED (401, 403, 404 or LOGIN) or ALLOWED (anything else: 200 with form errors, 302 elsewhere, 400 in the
  API), or an exact answer where those two would mislead (logging out ends on the login page). Their GET answer
  is checked too (`get`, 405 unless said). Each POST runs in a savepoint that is rolled back.
- A cell is a value, or a dict by variant: io(in, out) for a scoped object; a register's or a layer's name;
  "in/approve" for a pattern with two arguments (looked up by the full variant, then by each part left to right,
  then "*").

Personas are the named fixtures of /work/main/conftest.py plus "anon". A cell may name a persona or a group
(GROUPS); the persona's own key wins over a group, a smaller group over a larger one, and `default` covers the rest.

What the cells say is what the access rules SHOULD answer (docs/ARCHITECTURE.md "Scoping", accounts, the domain
sections, and the ScopeSpecs): the bureau sees everything; a subdistrict its subtree; a department the rows
linked to its department (plans) and the district-wide resource registers; an enterprise only itself; experts
and the separated administrators no business data (the administrators only their own pages); anonymous is sent
to the login page, or refused by the API. Cells marked `# sector (issue 10 §1)` are a department's answers on
enterprise and dual-prevention data, which follow the industry → supervising department table
(enterprises.SectorSupervision): department_clerk (区住建委) supervises industry E, so enterprise_a (E) and its
records are "in" and enterprise_b (C) "out". A department reads its sector; it does not keep the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field

LOGIN = "LOGIN"  # 302 to the login page
REFUSED = "REFUSED"  # POST: 401, 403, 404 or LOGIN
ALLOWED = "ALLOWED"  # POST: any other answer

PERSONAS = ("anon", "bureau_admin", "bureau_officer", "department_clerk", "subdistrict_officer",
            "other_subdistrict_officer", "enterprise_manager", "expert", "system_admin", "security_admin",
            "audit_admin")

BUREAU = ("bureau_admin", "bureau_officer")
SUBDISTRICTS = ("subdistrict_officer", "other_subdistrict_officer")
GOV = (*BUREAU, "department_clerk", *SUBDISTRICTS)  # the government side
ADMINS = ("system_admin", "security_admin", "audit_admin")  # the three separated administrators
GROUPS = {
    "bureau": BUREAU,
    "subdistricts": SUBDISTRICTS,
    "admins": ADMINS,
    "gov": GOV,
    "business": (*GOV, "enterprise_manager", "expert"),  # everyone who uses business data
    "users": PERSONAS[1:],  # every signed-in persona
}

# Arguments that are names rather than objects.
MAP_LAYERS = ("shelters", "warehouses", "teams", "experts")
DOCUMENT_ACTIONS = ("approve", "execute", "cancel")


def io(inside, outside) -> dict:
    """A cell for an object pattern: the answer for the object inside the persona's scope, and outside it."""
    return {"in": inside, "out": outside}


def cells(default, **given) -> dict:
    """One value per persona from a default and persona or group keys (the persona's own key, then the smallest
    group that holds it)."""
    unknown = set(given) - set(PERSONAS) - set(GROUPS)
    if unknown:
        raise KeyError(f"Unknown persona or group: {sorted(unknown)}")
    out = {}
    for persona in PERSONAS:
        if persona in given:
            out[persona] = given[persona]
            continue
        holders = sorted((len(GROUPS[g]), g) for g in given if g in GROUPS and persona in GROUPS[g])
        if len(holders) > 1 and holders[0][0] == holders[1][0]:
            raise KeyError(f"{persona} is in two groups of one size: {holders}")
        out[persona] = given[holders[0][1]] if holders else default
    return out


@dataclass(frozen=True)
class Row:
    method: str  # "GET", or "POST" for a pattern that answers GET with 405
    expected: dict  # persona → cell
    obj: str | dict | None = None  # URL argument → kind of object (tests/persona_dataset.py) or tuple of names
    query: str = ""  # query string; "{name}" is replaced by the dataset's single object of that kind
    data: dict = field(default_factory=dict)  # POST body
    get: dict | None = None  # POST rows: persona → the GET answer


def row(default, *, obj=None, query="", anon=LOGIN, **given) -> Row:
    """A page: GET, anonymous sent to the login page unless said."""
    return Row("GET", cells(default, anon=anon, **given), obj=obj, query=query)


def api(default, *, obj=None, query="", anon=403, **given) -> Row:
    """An API route: GET, anonymous refused with 403 (session authentication comes first: no 401 challenge)."""
    return Row("GET", cells(default, anon=anon, **given), obj=obj, query=query)


def post(default=REFUSED, *, obj=None, data=None, get=None, anon=REFUSED, **given) -> Row:
    """A POST-only pattern; `get` is the GET answer for every persona (405), or a `cells(...)` dict."""
    get = cells(get if get is not None else 405) if not isinstance(get, dict) else get
    return Row("POST", cells(default, anon=anon, **given), obj=obj, data=data or {}, get=get)


# Shapes most pages share.
def gov_page(default=403, **given) -> Row:
    """Government pages (plans, resources): the bureau, the departments and the subdistricts."""
    return row(default, **{"gov": 200, **given})


def bureau_page(**given) -> Row:
    return row(403, **{"bureau": 200, **given})


def bureau_and_subdistricts(**given) -> Row:
    """Creation pages of district registers: the bureau anywhere, a subdistrict in its area."""
    return row(403, **{"bureau": 200, "subdistricts": 200, **given})


def regulated_page(**given) -> Row:
    """Enterprise registry and dual-prevention pages: the bureau, the subdistricts (their area), the line
    departments (their sector) and the enterprise (itself)."""
    return row(403, **{"bureau": 200, "subdistricts": 200, "enterprise_manager": 200,
                       "department_clerk": 200,  # sector (issue 10 §1)
                       **given})


def regulated_object(obj: str, default=403, **given) -> Row:
    """One enterprise's record: in the bureau's, the area's subdistrict's, the sector's department's and the
    enterprise's own scope; 404 outside it."""
    return row(default, obj=obj, **{"bureau": 200, "subdistricts": io(200, 404), "enterprise_manager": io(200, 404),
                                    "department_clerk": io(200, 404),  # sector (issue 10 §1)
                                    **given})


def regulated_action(obj: str, **given) -> Row:
    """A write on an enterprise's record: the bureau, the subdistrict of the area, the enterprise itself (a
    department reads its sector and does not keep the records)."""
    return post(obj=obj, **{"bureau": ALLOWED, "subdistricts": io(ALLOWED, REFUSED),
                            "enterprise_manager": io(ALLOWED, REFUSED), **given})


def manage_action(obj: str, **given) -> Row:
    """A write on a district resource: the bureau, and the subdistrict where it lies."""
    return post(obj=obj, **{"bureau": ALLOWED, "subdistricts": io(ALLOWED, REFUSED), **given})


def plan_page(obj="plan", **given) -> Row:
    return gov_page(obj=obj, **given)


def department_object(obj: str, **given) -> Row:
    """A plan row of one department: the bureau, and the department it is linked to (a subdistrict office
    through the group 各街道办事处)."""
    return row(403, obj=obj, **{"bureau": 200, "department_clerk": io(200, 404), "subdistricts": io(200, 404),
                                **given})


MATRIX: dict[str, Row] = {
    # --- core, accounts ---------------------------------------------------------------------------------------
    "home": row(200),
    "healthz": row(200, anon=200),
    "accounts:login": row(302, anon=200),  # signed in: sent home
    "accounts:logout": post(LOGIN, anon=LOGIN),  # signed out, and shown the login page (an exact answer)
    # Verified second factor: sent on; roles without one see the enrolment step.
    "accounts:otp": row(200, bureau_admin=302, admins=302),
    "accounts:password_change": row(200),
    "accounts:profile": row(200),
    "accounts:token_create": post(ALLOWED),  # any signed-in user may use the API
    "accounts:token_revoke": post(ALLOWED),
    "accounts:user_list": row(403, system_admin=200, security_admin=200),
    "accounts:user_create": row(403, system_admin=200),
    "accounts:user_detail": row(403, obj="user", system_admin=200, security_admin=200),
    "accounts:policy": row(403, security_admin=200),
    "core:division_list": row(403, business=200),  # scoped content: an enterprise or expert sees an empty list
    "core:division_export": row(403, business=200),
    "core:division_points": row(403, business=200),
    "core:division_create": bureau_and_subdistricts(),
    # A division is read in its subtree by a subdistrict; without a jurisdiction of divisions, none.
    "core:division_detail": row(403, obj="division", bureau=200, subdistricts=io(200, 404), business=404),
    "core:division_edit": row(403, obj="division", bureau=200, subdistricts=io(200, 404), business=404),
    "core:division_archive": manage_action("division"),
    "core:division_attach": manage_action("division"),
    # An attachment is read through its parent's scope (here a hidden hazard's photo); 404 for anyone else.
    "core:attachment_download": regulated_object("attachment", default=404),
    "core:department_list": row(403, business=200),
    "core:department_detail": row(403, obj="department", business=200),
    "core:map": row(403, business=200),
    "core:notification_list": row(200),  # everyone's own inbox
    "core:search": row(200, admins=403),  # each domain's hits come through the access model
    "core:notification_open": post(obj="notification", users=io(ALLOWED, REFUSED)),
    "core:notification_read_all": post(users=ALLOWED),  # one's own notices only
    "core:audit_list": row(403, audit_admin=200),
    "core:audit_export": row(403, audit_admin=200),
    # --- imports ----------------------------------------------------------------------------------------------
    # A job is seen by whoever uploaded it, and by the bureau; confirmed only by whoever uploaded it.
    "imports:detail": row(403, obj="import_job", business=404, bureau=200, subdistricts=io(200, 404)),
    "imports:progress": row(403, obj="import_job", business=404, bureau=200, subdistricts=io(200, 404)),
    "imports:confirm": post(obj="import_job", subdistricts=io(ALLOWED, REFUSED)),
    # Who imports a register is who creates its rows: experts and agreement reserves are the bureau's.
    "imports:new": row(403, obj="register", bureau=200, subdistricts={"*": 200, "experts": 403, "reserves": 403}),
    "imports:template": row(403, obj="register", bureau=200,
                            subdistricts={"*": 200, "experts": 403, "reserves": 403}),
    # --- plan supervision: the government side; assignments, reports and notices per department ---------------
    "plans:list": gov_page(department_clerk=302, subdistricts=302),  # one plan: straight to "my tasks"
    "plans:import": bureau_page(),
    "plans:notice_list": gov_page(),
    "plans:notice_detail": department_object("notice"),
    "plans:report_detail": department_object("report"),
    "plans:report_review": post(obj="report", data={"action": "return", "comment": "请补充。"}, bureau=ALLOWED),
    # Only the reporting department attaches evidence to its report (not the bureau).
    "plans:report_attach": post(obj="report", department_clerk=io(ALLOWED, REFUSED),
                                subdistricts=io(ALLOWED, REFUSED)),
    # Only the assigned department reports: the bureau reads the report, it does not write it.
    "plans:report_edit": row(403, obj={"assignment_pk": "assignment", "period_pk": "period"},
                             department_clerk=io(200, 404), subdistricts=io(200, 404)),
    "plans:dashboard": plan_page(),
    "plans:matrix": plan_page(),
    "plans:item_list": plan_page(),
    "plans:item_detail": plan_page(obj={"pk": "plan", "item_pk": "item"}),
    "plans:notice_issue": post(obj={"pk": "plan", "item_pk": "item"}, bureau=ALLOWED),
    "plans:my": plan_page(),
    "plans:report_list": plan_page(),
    "plans:indicators": plan_page(),
    "plans:export_allocation": plan_page(),
    # Every department's reports in one document: the bureau only.
    "plans:export_progress": row(403, obj="plan", query="period={period}", bureau=200),
    "plans:export_evaluation": row(403, obj="plan", bureau=200),
    # --- enterprises ------------------------------------------------------------------------------------------
    "enterprises:list": regulated_page(),
    "enterprises:create": bureau_and_subdistricts(),
    "enterprises:export": regulated_page(),
    "enterprises:detail": regulated_object("enterprise"),
    # An enterprise edits its own contacts; a department reads its sector, it does not keep the registry.
    "enterprises:edit": regulated_object("enterprise", department_clerk=io(403, 404)),  # sector (issue 10 §1)
    "enterprises:archive": post(obj="enterprise", bureau=ALLOWED, subdistricts=io(ALLOWED, REFUSED)),
    # The industry → supervising department table: read by the government side, kept by the bureau.
    "enterprises:sectors": gov_page(),
    "enterprises:sector_add": post(bureau=ALLOWED),
    "enterprises:sector_archive": post(obj="sector", bureau=ALLOWED),
    # --- dual prevention: the regulator's view and the enterprise's own loop ------------------------------------
    "prevention:dashboard": regulated_page(),
    "prevention:ledger_hazards": regulated_page(),
    "prevention:ledger_hazards_export": regulated_page(),
    "prevention:ledger_risk_points": regulated_page(),
    "prevention:ledger_risk_points_export": regulated_page(),
    "prevention:risk_map": regulated_page(),
    "prevention:risk_map_points": regulated_page(),
    "prevention:risk_point_list": regulated_page(),
    "prevention:risk_point_create": regulated_page(department_clerk=403),  # kept by the enterprise, the area
    "prevention:risk_point_detail": regulated_object("risk_point"),
    "prevention:risk_factor_add": regulated_action("risk_point"),
    "prevention:risk_measure_add": regulated_action("risk_point"),
    "prevention:risk_assess": regulated_object("risk_point", department_clerk=io(403, 404)),  # sector (issue 10 §1)
    "prevention:risk_point_qr": regulated_object("risk_point"),
    # The phone pages a QR code opens: out of scope (or no business role) is "not found", never "forbidden".
    # The check itself: whoever keeps the records (a department reads the result).
    "prevention:mobile_check": regulated_object("inspection_task", default=404,
                                                department_clerk=io(403, 404)),  # sector (issue 10 §1)
    "prevention:mobile_check_done": regulated_object("inspection_task", default=404),
    "prevention:mobile_point": regulated_object("risk_point_token", default=404),
    "prevention:hazard_list": regulated_page(),
    "prevention:hazard_report": regulated_page(),  # regulators report what they find on a visit
    "prevention:hazard_detail": regulated_object("hazard"),
    # The hazard is reported (identified): an action the lifecycle does not allow yet is a message (ALLOWED).
    "prevention:hazard_register": regulated_action("hazard"),
    "prevention:hazard_assess": regulated_action("hazard"),
    "prevention:hazard_plan": regulated_action("hazard"),
    "prevention:hazard_dual_report": regulated_action("hazard"),
    "prevention:hazard_start": regulated_action("hazard"),
    "prevention:hazard_submit": regulated_action("hazard"),
    # Acceptance (销号) by a regulator, the sector's department included, or a colleague of the rectifier.
    "prevention:hazard_accept": regulated_action("hazard",
                                                 department_clerk=io(ALLOWED, REFUSED)),  # sector (issue 10 §1)
    "prevention:hazard_supervise": post(obj="hazard", bureau=ALLOWED),  # listed supervision: the bureau only
    "prevention:hazard_photos": regulated_action("hazard"),
    # --- resources: government users read the district-wide registers; the bureau and the subdistrict of the
    # place write ---------------------------------------------------------------------------------------------
    "resources:map": gov_page(),
    "resources:map_layer": gov_page(obj={"kind": MAP_LAYERS}),
    "resources:warehouse_list": gov_page(),
    "resources:warehouse_create": bureau_and_subdistricts(),
    "resources:warehouse_export": gov_page(),
    "resources:warehouse_suggest": gov_page(),
    "resources:warehouse_detail": gov_page(obj="warehouse"),
    "resources:warehouse_operation": manage_action({"pk": "warehouse", "op": ("receipt",)}),
    # Received by the destination's manager.
    "resources:stock_transfer_receive": manage_action("transfer"),
    # A disposal is decided by the bureau (not the requester).
    "resources:stock_disposal_decide": post(obj="disposal", data={"decision": "reject"}, bureau=ALLOWED),
    "resources:stock_ledger": gov_page(),
    "resources:stock_ledger_export": gov_page(),
    "resources:stock_alerts": gov_page(),
    "resources:catalogue": gov_page(),
    "resources:document_list": gov_page(),
    "resources:document_create": bureau_and_subdistricts(),  # a manager of some warehouse
    "resources:document_detail": gov_page(obj="document"),
    # Approved by the bureau (not the drafter); executed or cancelled by the warehouse's manager.
    "resources:document_action": post(obj={"pk": "document", "action": DOCUMENT_ACTIONS}, bureau=ALLOWED,
                                      subdistricts={"in/approve": REFUSED, "in": ALLOWED, "out": REFUSED}),
    "resources:shelter_list": gov_page(),
    "resources:shelter_create": bureau_and_subdistricts(),
    "resources:shelter_detail": gov_page(obj="shelter"),
    "resources:shelter_open": manage_action("shelter"),
    "resources:shelter_close": manage_action("shelter"),
    "resources:shelter_check_in": manage_action("shelter"),
    # Who stays in a shelter: the bureau and that subdistrict only.
    "resources:shelter_check_out": manage_action("stay"),
    "resources:shelter_qr": gov_page(obj="shelter"),
    "resources:shelter_public": row(200, obj="shelter_token", anon=200),  # the QR code's public page
    "resources:shelter_export": gov_page(),
    "resources:team_list": gov_page(),
    "resources:team_create": bureau_and_subdistricts(),
    "resources:team_export": gov_page(),
    "resources:team_detail": gov_page(obj="team"),
    "resources:team_edit": row(403, obj="team", bureau=200, subdistricts=io(200, 403)),
    "resources:team_readiness": manage_action("team"),
    "resources:team_member_add": manage_action("team"),
    "resources:team_record_add": manage_action("team"),
    "resources:expert_list": gov_page(),
    "resources:expert_create": bureau_page(),
    "resources:expert_export": gov_page(),
    "resources:expert_detail": gov_page(obj="expert"),
    "resources:expert_edit": bureau_page(obj="expert"),
    # The expert's own page (profile and availability): the expert role only; the registers stay closed to it.
    "resources:expert_me": row(403, expert=200),
    "resources:equipment_list": gov_page(),
    "resources:equipment_create": bureau_and_subdistricts(),
    "resources:equipment_export": gov_page(),
    "resources:equipment_detail": gov_page(obj="equipment"),
    "resources:equipment_status": manage_action("equipment"),
    "resources:reserve_list": gov_page(),
    "resources:reserve_create": bureau_page(),
    "resources:reserve_export": gov_page(),
    "resources:reserve_detail": gov_page(obj="reserve"),
    "resources:reserve_warehouse": post(obj="reserve", bureau=ALLOWED),
    # --- API (/api/v1/), schema and docs ------------------------------------------------------------------------
    "api-root": api(200),
    "api-me": api(200),
    "api-schema": api(200),  # any signed-in user; the route list is withheld from anonymous callers
    "api-docs": row(200),
    # The risk calculator: any business user (it reads no data). DRF checks the permission before the method.
    "api-prevention-risk-evaluations": post(business=ALLOWED, get=cells(405, anon=403, admins=403)),
    "/api/v1/prevention/risk-evaluations/": post(business=ALLOWED, get=cells(405, anon=403, admins=403)),
    # The API answers what the pages answer: RiskPoint's readers (prevention/scopes.py) do not include experts, and
    # the prevention pages refuse them with 403. Today the API's permission (api.views.BusinessUser) lets an expert
    # in: 200 with an empty list, 404 for an object — no row leaks, but the gate differs (reported to the lead).
    "prevention-riskpoint-list": api(403, bureau=200, subdistricts=200, enterprise_manager=200,
                                     department_clerk=200,  # sector (issue 10 §1)
                                     ),
    "prevention-riskpoint-detail": api(403, obj="risk_point", bureau=200, subdistricts=io(200, 404),
                                       enterprise_manager=io(200, 404),
                                       department_clerk=io(200, 404),  # sector (issue 10 §1)
                                       ),
    "api-resources-nearby": api(403, query="lat=39.15&lon=117.19", gov=200),
    "division-list": api(403, business=200),
    "division-detail": api(403, obj="division", bureau=200, subdistricts=io(200, 404), business=404),
    "department-list": api(403, business=200),
    "department-detail": api(403, obj="department", business=200),
    "notification-list": api(200),
    "notification-detail": api(403, obj="notification", users=io(200, 404)),
    "auditevent-list": api(403, audit_admin=200),
    "auditevent-detail": api(403, obj="audit_event", audit_admin=200),
    "enterprise-list": api(403, bureau=200, subdistricts=200, enterprise_manager=200,
                           department_clerk=200,  # sector (issue 10 §1)
                           ),
    "enterprise-detail": api(403, obj="enterprise", bureau=200, subdistricts=io(200, 404),
                             enterprise_manager=io(200, 404),
                             department_clerk=io(200, 404),  # sector (issue 10 §1)
                             ),
}

# The routers' format-suffix twins ("/api/v1/divisions.json") answer as the route itself.
for _key in ("api-root", "division-list", "division-detail", "department-list", "department-detail",
             "notification-list", "notification-detail", "auditevent-list", "auditevent-detail", "enterprise-list",
             "enterprise-detail"):
    MATRIX[f"{_key}.<format>"] = MATRIX[_key]

# Django's and third parties' plumbing, not pages of ours: language switch and the JavaScript catalogue.
NOT_CHECKED = {
    "set_language",  # django.conf.urls.i18n: POSTs a language cookie, no data
    "jsi18n",  # django.views.i18n.JavaScriptCatalog: the translation catalogue for scripts
}


def expected(row: Row, persona: str, variant: str):
    """The cell for one persona and variant ("" for a pattern without object arguments)."""
    return lookup(row.expected[persona], variant)


def lookup(cell, variant: str):
    if not isinstance(cell, dict):
        return cell
    for key in (variant, *variant.split("/"), "*"):
        if key in cell:
            return cell[key]
    raise KeyError(variant)
