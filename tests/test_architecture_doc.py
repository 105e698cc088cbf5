"""docs/ARCHITECTURE.md stays current: it names every module of benchmark/ and no module that is
gone, the README links it, the module-level imports it describes have no cycle, and no module
is over the 500 lines CONTRIBUTING.md allows."""

import ast
import re

from .conftest import ROOT

PAGE = ROOT / "docs" / "ARCHITECTURE.md"
PACKAGE = ROOT / "benchmark"
MAX_MODULE_LINES = 500  # CONTRIBUTING.md, "Where the conventions are written"


def modules() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix() for path in PACKAGE.rglob("*.py"))


def test_the_page_names_every_module():
    text = PAGE.read_text(encoding="utf-8")
    missing = [module for module in modules() if f"`{module}`" not in text]
    assert not missing, f"docs/ARCHITECTURE.md (section 6) does not name: {', '.join(missing)}"


def test_every_module_the_page_names_exists():
    named = set(re.findall(r"`(benchmark/[\w/]+\.py)`", PAGE.read_text(encoding="utf-8")))
    assert named and not named - set(modules()), f"gone: {sorted(named - set(modules()))}"


def test_no_module_is_over_500_lines():
    sizes = {module: len((ROOT / module).read_text(encoding="utf-8").splitlines()) for module in modules()}
    assert len(sizes) > 50  # the walk finds the package
    too_long = [f"{module} ({lines} lines)" for module, lines in sizes.items() if lines > MAX_MODULE_LINES]
    assert not too_long, f"over {MAX_MODULE_LINES} lines, split by concern: {', '.join(too_long)}"


def test_the_readme_links_the_page():
    assert "(docs/ARCHITECTURE.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def module_name(path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def module_level_imports(path, known: set[str]) -> set[str]:
    """The modules of the package that ``path`` imports when it is loaded (not inside functions
    nor under ``if TYPE_CHECKING``); an import of a module's own package is left out."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(node.level - 1):
                base = base.rpartition(".")[0]
            source = (f"{base}.{node.module}" if node.module else base) if node.level else node.module
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and not name.startswith(m + ".")}


def test_module_level_imports_have_no_cycle():
    paths = sorted(PACKAGE.rglob("*.py"))
    known = {module_name(path) for path in paths}
    graph = {module_name(path): module_level_imports(path, known) for path in paths}
    assert graph["benchmark.cli"] and graph["benchmark.metrics.entities"]  # the parse sees imports
    state: dict[str, str] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = "open"
        for imported in sorted(graph[module]):
            assert state.get(imported) != "open", f"import cycle: {' -> '.join([*trail, module, imported])}"
            if imported not in state:
                visit(imported, [*trail, module])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
