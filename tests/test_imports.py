"""The import graph stays acyclic: import-linter (`make lint`) holds the order between the apps,
this holds it between the modules of each (issue 19 broke the last cycles)."""

import grimp

PACKAGES = ("portal", "agreements", "villages", "referrals", "bench")


def import_cycles(graph: grimp.ImportGraph) -> set[tuple[str, str]]:
    """Pairs of modules of which each reaches the other, whether the imports sit at the top of a
    module or inside a function."""
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            if graph.find_shortest_chain(importer=imported, imported=module):
                cycles.add(tuple(sorted((module, imported))))
    return cycles


def test_no_module_imports_one_that_imports_it_back():
    assert import_cycles(grimp.build_graph(*PACKAGES)) == set()


def test_a_cycle_would_be_found():
    graph = grimp.ImportGraph()
    for module in ("a", "a.services", "a.tasks"):
        graph.add_module(module)
    graph.add_import(importer="a.services", imported="a.tasks")
    graph.add_import(importer="a.tasks", imported="a.services")
    assert import_cycles(graph) == {("a.services", "a.tasks")}
