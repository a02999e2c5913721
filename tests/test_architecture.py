"""What import-linter's contracts (pyproject.toml) do not say: no import cycle in app/ or ui/ (type-only
and late imports count), and every late import says why it is late (docs/architecture.md)."""
from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _cycles(graph: grimp.ImportGraph, package: str) -> list[list[str]]:
    """The strongly connected components of more than one module inside `package` (Tarjan)."""
    modules = sorted(m for m in graph.modules if m == package or m.startswith(package + "."))
    edges = {m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in modules) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    return found


@pytest.mark.parametrize("package", ["app", "ui"])
def test_no_import_cycles(package: str) -> None:
    graph = grimp.build_graph(package, cache_dir=None)  # type-only and function-level imports included
    assert _cycles(graph, package) == []


def _late_imports(path: Path) -> list[tuple[int, str]]:
    """(line, source) of imports inside a function or class, without a comment saying why."""
    source = path.read_text()
    lines = source.splitlines()
    late = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for inner in ast.walk(node):
            if isinstance(inner, ast.Import | ast.ImportFrom) and not _explained(lines, inner.lineno):
                late.append((inner.lineno, lines[inner.lineno - 1].strip()))
    return late


def _explained(lines: list[str], lineno: int) -> bool:
    """A comment on the import's line, or above the block of imports it belongs to."""
    if "#" in lines[lineno - 1]:
        return True
    for line in reversed(lines[:lineno - 1]):
        text = line.strip()
        if text.startswith("#"):
            return True
        if not (text.startswith(("from ", "import ")) or text == ""):
            return False
    return False


def test_late_imports_say_why() -> None:
    files = [ROOT / "main.py", *sorted((ROOT / "app").rglob("*.py")), *sorted((ROOT / "ui").rglob("*.py"))]
    unexplained = {str(path.relative_to(ROOT)): found for path in files if (found := _late_imports(path))}
    assert unexplained == {}, "a late import needs a comment on its line or the line above saying why"
