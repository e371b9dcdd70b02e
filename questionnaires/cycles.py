"""Circular references among questions' ``relevant``, ``calculation`` and ``constraint``.

``a`` is shown when ``b`` is answered and ``b`` when ``a`` is: neither ever is, and such
a form validated as fine. The references form a directed graph (a question points at
the questions its expressions name; a question in a group also points at the group,
and the group at what its ``relevant`` names); every strongly connected component
(Tarjan's algorithm, iterative, linear in names and references) that holds a cycle
is one problem. A cycle made only of constraints (``end`` after ``start`` checked on
both) is not one: a constraint decides no value and no question's applicability.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

RELEVANT, CALCULATION, CONSTRAINT, GROUP = "relevant", "calculation", "constraint", "group"


@dataclass(frozen=True)
class Cycle:
    """Names in order around the cycle (the first repeated at the end) and, for the
    first, which of its columns starts it."""

    names: tuple[str, ...]
    column: str


def find_cycles(edges: Mapping[str, Iterable[tuple[str, str]]],
                order: Iterable[str]) -> list[Cycle]:
    """The cycles of ``edges`` (name -> (referenced name, kind) pairs), one per strongly
    connected component, each starting at its first name in ``order`` that starts an
    edge of a kind other than ``constraint`` within it."""
    graph = {name: [(to, kind) for to, kind in targets] for name, targets in edges.items()}
    rank = {name: i for i, name in enumerate(order)}
    cycles: list[Cycle] = []
    for component in _components(graph):
        inside = set(component)
        starts = sorted(
            ((name, to, kind) for name in component for to, kind in graph.get(name, ())
             if to in inside and kind != CONSTRAINT),
            key=lambda e: (rank.get(e[0], len(rank)), e[0]))
        if not starts:
            continue
        start, first, kind = starts[0]
        path = _path(graph, first, start, inside)
        cycles.append(Cycle(names=(start, *path), column=RELEVANT if kind == GROUP else kind))
    cycles.sort(key=lambda c: rank.get(c.names[0], len(rank)))
    return cycles


def _path(graph: Mapping[str, list[tuple[str, str]]], source: str, target: str,
          inside: set[str]) -> tuple[str, ...]:
    """The shortest path from ``source`` to ``target`` within ``inside`` (both ends in)."""
    before: dict[str, str | None] = {source: None}
    queue = deque([source])
    while queue:
        name = queue.popleft()
        if name == target:
            break
        for to, _kind in graph.get(name, ()):
            if to in inside and to not in before:
                before[to] = name
                queue.append(to)
    path: list[str] = []
    at: str | None = target
    while at is not None:
        path.append(at)
        at = before.get(at)
    return tuple(reversed(path))


def _components(graph: Mapping[str, list[tuple[str, str]]]) -> list[list[str]]:
    """Strongly connected components that hold a cycle (two or more names, or a name
    that references itself); Tarjan's algorithm without recursion."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            name, i = work.pop()
            if i == 0:
                index[name] = low[name] = counter
                counter += 1
                stack.append(name)
                on_stack.add(name)
            targets = graph.get(name, [])
            descended = False
            while i < len(targets):
                to = targets[i][0]
                i += 1
                if to not in index:
                    work.append((name, i))
                    work.append((to, 0))
                    descended = True
                    break
                if to in on_stack:
                    low[name] = min(low[name], index[to])
            if descended:
                continue
            if low[name] == index[name]:
                component: list[str] = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == name:
                        break
                if len(component) > 1 or any(to == name for to, _ in targets):
                    found.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
    return found
