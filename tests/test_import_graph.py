"""The import graph flows one way: spaces imports nothing of ours; trainables imports only
spaces; analysis imports nothing of search but the schedulers its replay drives; search
imports analysis only to write reports; and no module takes part in an import cycle (lazy
imports inside functions included)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("spaces", "trainables", "search", "analysis")
ALLOWED = {
    "spaces": {"spaces"},
    "trainables": {"trainables", "spaces"},
    "analysis": {"analysis", "trainables", "spaces", "search"},
    "search": {"search", "analysis", "trainables", "spaces"},
}
# search writes the report; analysis's replay drives search's schedulers, and nothing else
SEARCH_MAY_IMPORT = (
    "gantune.analysis.report",
    "gantune.analysis.sections",
    "gantune.analysis.efficiency.report",
)
ANALYSIS_MAY_IMPORT = ("gantune.search.schedulers",)


def module_name(path: Path) -> str:
    """The installed name: the layers are packages of the gantune namespace."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(("gantune", *(parts[:-1] if parts[-1] == "__init__" else parts)))


def graph() -> dict[str, set[str]]:
    modules = {
        module_name(path): path for package in PACKAGES for path in (ROOT / package).rglob("*.py")
    }
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from package import submodule` depends on the submodule, not on the
                # package's other modules
                inner = [f"{node.module}.{a.name}" for a in node.names]
                targets = [t for t in inner if t in modules] or [node.module]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                continue
            found |= {t for t in targets if t in modules and t != name}
        edges[name] = found
    return edges


def test_layers_import_only_what_is_below_them():
    wrong, edges = [], graph()
    assert sum(map(len, edges.values())) > 200, "the graph found no imports: wrong names?"
    for module, targets in edges.items():
        layer = module.split(".")[1]
        for target in targets:
            top = target.split(".")[1]
            if top not in ALLOWED[layer]:
                wrong.append(f"{module} -> {target}")
            elif (
                layer == "search" and top == "analysis" and not target.startswith(SEARCH_MAY_IMPORT)
            ):
                wrong.append(f"{module} -> {target} (search reads files through trainables)")
            elif (
                layer == "analysis"
                and top == "search"
                and not target.startswith(ANALYSIS_MAY_IMPORT)
            ):
                wrong.append(f"{module} -> {target} (analysis replays only the schedulers)")
    assert not wrong, "\n".join(sorted(wrong))


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_no_module_is_part_of_an_import_cycle():
    found = cycles(graph())
    assert not found, "\n".join(" <-> ".join(c) for c in found)


def test_every_import_names_the_gantune_namespace():
    """A bare `analysis.x` or `search.x` works only where the repository is the current
    folder (as in these tests), and fails for an installed gantune: every import, and every
    module name handed to importlib, says `gantune.`."""
    bare = re.compile(r"""import_module\(\s*f?["'](search|spaces|trainables|analysis)\.""")
    wrong = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text()
            for node in ast.walk(ast.parse(text)):
                names = (
                    [node.module or ""]
                    if isinstance(node, ast.ImportFrom) and node.level == 0
                    else [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else []
                )
                wrong += [
                    f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in PACKAGES
                ]
            wrong += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in bare.finditer(text)]
    assert not wrong, "\n".join(wrong)
