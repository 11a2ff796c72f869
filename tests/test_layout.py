"""The import rule of docs/architecture.md, read from every module's imports with ``ast``.

cli -> feature packages -> shared layer; check may use web and text; publish may use check,
listing and create; web and text import no feature package; nothing imports cli; and no two
modules import each other, directly or round a longer loop. Imports under ``TYPE_CHECKING``
are left out: they name a type for the checker and never run.
"""

from __future__ import annotations

import ast

from tests.helpers import REPO

PACKAGE = REPO / "blogcli"
FEATURES = {"check", "web", "text", "listing", "publish", "create"}
ALLOWED = {  # feature -> the other features it may import
    "check": {"web", "text"},
    "publish": {"check", "listing", "create"},
    "listing": {"text"},
    "create": set(),
    "web": set(),
    "text": set(),
}


def module_name(path: object) -> str:
    rel = path.relative_to(REPO).with_suffix("")  # type: ignore[attr-defined]
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: object) -> set[str]:
    """Every blogcli module ``path`` imports, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = []
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("blogcli"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("blogcli"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports_of(path) - {name} for name, path in MODULES.items()}


def room(module: str) -> str:
    """The feature package a module belongs to, 'cli', or 'shared'."""
    parts = module.split(".")
    if len(parts) > 2 and parts[1] in FEATURES:
        return parts[1]
    return "cli" if module in ("blogcli.cli", "blogcli.__main__") else "shared"


def test_every_module_is_in_a_room() -> None:
    assert len(MODULES) > 40
    for name in MODULES:
        assert room(name) in FEATURES | {"cli", "shared"}


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Each import in ``graph`` that breaks the rule, said in a line."""
    broken = []
    for source, targets in graph.items():
        for target in targets:
            if target == "blogcli" or target == "blogcli.__init__":
                continue
            a, b = room(source), room(target)
            if b == "cli" and source != "blogcli.__main__":
                broken.append(f"{source} imports the CLI ({target})")
            elif a == "shared" and b in FEATURES and not target.endswith("__init__"):
                broken.append(f"{source} (shared layer) imports the feature {target}")
            elif a in FEATURES and b in FEATURES and a != b and b not in ALLOWED[a]:
                broken.append(f"{source} ({a}) imports {target} ({b})")
    return broken


def test_imports_follow_the_rule() -> None:
    assert violations(GRAPH) == []


def test_no_import_cycles() -> None:
    cycles = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(GRAPH.get(node, ())):
            if nxt not in GRAPH:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(GRAPH):
        if name not in state:
            visit(name)
    assert cycles == []


def test_the_rule_catches_what_it_forbids() -> None:
    made_up = {
        "blogcli.web.fake": {"blogcli.check.checker"},
        "blogcli.site": {"blogcli.listing.records"},
        "blogcli.text.fake": {"blogcli.cli"},
        "blogcli.check.fake": {"blogcli.web.checker", "blogcli.text.count", "blogcli.site"},
    }
    assert len(violations(made_up)) == 3
