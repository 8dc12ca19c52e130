"""One access idiom (portal/access.py): pages, forms, serializers, the API, the home page's
panels and templates ask the predicates and never compare a user's role or an agency's kind
themselves."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "agreements", "villages", "referrals")

# The modules that decide access and so may compare roles and kinds: the predicates
# themselves. Everything else asks them.
ALLOWED = {
    "portal/access.py",  # the core predicates (roles, the agency tree)
    "agreements/permissions.py",
    "villages/permissions.py",
    "referrals/permissions.py",
}

ROLE_VALUES = {"officer", "supervisor", "agency_admin", "system_admin"}
AGENCY_KIND_VALUES = {"immigration", "police", "manpower_office", "local_government"}


def _is_checked_module(path: Path) -> bool:
    """Views, forms, serializers, API modules and the home page's panels: where a rule must not
    be restated. `path` is relative to the repository, so that the checkout's own folders do not
    count."""
    name = path.name
    in_api = "api" in path.parts[:-1]
    return (
        name in {"views.py", "forms.py", "serializers.py", "api.py", "pages.py", "dashboard.py"}
        or name.endswith("_views.py")
        or (in_api and name not in {"permissions.py", "__init__.py"})
    )


def checked_modules(root: Path = ROOT) -> list[Path]:
    found = []
    for app in APPS:
        for path in (root / app).rglob("*.py"):
            rel = path.relative_to(root).as_posix()
            if "migrations" in path.parts or rel in ALLOWED:
                continue
            if _is_checked_module(path.relative_to(root)):
                found.append(path)
    return sorted(found)


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _names_a_role_or_agency_kind(node: ast.AST) -> bool:
    dotted = _dotted(node)
    if dotted:
        parts = dotted.split(".")
        if parts[-1] == "role" or "Role" in parts:  # user.role, User.Role.SUPERVISOR
            return True
        if "agency" in parts and parts[-1] == "kind":  # user.agency.kind
            return True
        if "AgencyKind" in parts or ("Agency" in parts and "Kind" in parts):
            return True
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in ROLE_VALUES | AGENCY_KIND_VALUES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_names_a_role_or_agency_kind(e) for e in node.elts)
    return False


def source_violations(source: str, filename: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_a_role_or_agency_kind(o) for o in operands):
                found.append(f"{filename}:{node.lineno}: compares a role or agency kind")
        elif isinstance(node, ast.keyword) and node.arg:
            # a query filtered on role or agency kind: User.objects.filter(role__in=[...])
            field = node.arg.split("__")
            if ("role" in field or "kind" in field) and _names_a_role_or_agency_kind(node.value):
                found.append(
                    f"{filename}:{node.value.lineno}: filters on a role or agency kind ({node.arg})"
                )
    return found


TEMPLATE_RULE = re.compile(
    r"""\.role\s*(==|!=|\bin\b|\bnot\s+in\b)"""  # {% if user.role == "supervisor" %}
    r"""|agency\.kind\s*(==|!=|\bin\b|\bnot\s+in\b)"""  # {% if user.agency.kind == ... %}
    r"""|\.is_(system_admin|agency_admin|supervisor)\b"""
)


def template_violations(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "templates").rglob("*.html")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if TEMPLATE_RULE.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()[:100]}")
    return found


def test_views_forms_and_serializers_ask_the_predicates():
    found = []
    for path in checked_modules():
        found += source_violations(path.read_text(), str(path.relative_to(ROOT)))
    assert found == [], "\n".join(found)


def test_templates_ask_the_predicates():
    assert template_violations() == []


def test_the_checks_catch_a_restated_rule():
    # what this module was written against (the Review menu, the designate button)
    bad = (
        'ok = request.user.role == "supervisor"\n'
        "x = user.agency.kind == Agency.Kind.IMMIGRATION or user.role in ('officer',)\n"
        "qs = User.objects.filter(role__in=['officer', 'supervisor'])\n"
    )
    assert len(source_violations(bad, "views.py")) == 4
    assert TEMPLATE_RULE.search('{% if user.role == "supervisor" %}')
    assert not TEMPLATE_RULE.search("{{ pform.role|as_crispy_field }}")


def test_every_view_module_is_checked():
    checked = {p.relative_to(ROOT).as_posix() for p in checked_modules()}
    assert {
        "referrals/views.py",
        "villages/views.py",
        "referrals/api/views.py",
        "referrals/api/serializers.py",
        "villages/api.py",
        "agreements/api.py",
        "portal/accounts/api.py",
        "portal/api/tokens.py",
    } <= checked
    assert {"portal/core/dashboard.py", "referrals/dashboard.py"} <= checked
    assert not checked & ALLOWED
