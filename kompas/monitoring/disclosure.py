"""Disclosure control: which cells of a round's figures may be published.

Every published sector figure passes through `protect()`; docs/disclosure-control.md states the
threat model and why these rules suffice. The input is small and comes from the database: the
unknown (not named) boards counted per combination of cells, with the distinct values they
have per norm. No board is looked at one by one here.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Cell:
    """One predefined cell: the whole round, or one value of one cut (sector, size, region)."""

    cut: str
    value: str = ""


ROUND = Cell("all")


@dataclass(frozen=True)
class Group:
    """Unknown boards that are in exactly the same cells, and the values they have per norm."""

    cells: frozenset[Cell]
    boards: int
    values: Mapping[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class Atom:
    """Boards the published cells cannot tell apart: the smallest thing anyone can learn about."""

    boards: int = 0
    values: dict[str, set[str]] = field(default_factory=dict)

    def add(self, group: Group, norms: Iterable[str] | None = None) -> None:
        """Merge a group in: its boards, and its values on `norms` (every norm when None)."""
        self.boards += group.boards
        for norm in group.values if norms is None else norms:
            if norm in group.values:
                self.values.setdefault(norm, set()).update(group.values[norm])


@dataclass(frozen=True)
class Publication:
    """What may be shown: cells with their board counts, and per norm the cells of its figures."""

    cells: frozenset[Cell]
    norms: Mapping[str, frozenset[Cell]]

    def shows(self, cell: Cell, norm: str | None = None) -> bool:
        if norm is None:
            return cell in self.cells
        return cell in self.norms.get(norm, frozenset())

    def shows_all(self, cell: Cell, norms: Iterable[str]) -> bool:
        """A mean or median over several norms: only when each of them is shown (rule 4)."""
        return cell in self.cells and all(self.shows(cell, norm) for norm in norms)


def protect(
    *, groups: Iterable[Group], cells: Iterable[Cell], norms: Iterable[str], k: int
) -> Publication:
    """Apply the threshold, complementary suppression and homogeneity rules."""
    groups = [group for group in groups if group.boards > 0]
    sizes = dict.fromkeys(cells, 0)
    for group in groups:
        for cell in group.cells:
            if cell in sizes:
                sizes[cell] += group.boards
    primary = {cell for cell, size in sizes.items() if size >= k}
    published = _suppress_until(groups, primary, sizes, lambda atom: atom.boards >= k, norms=())

    def varied(norm: str) -> Callable[[Atom], bool]:
        return lambda atom: atom.boards >= k and len(atom.values.get(norm, ())) >= 2

    # Each norm's loop merges only that norm's values: the atoms' board counts are the same.
    per_norm = {
        norm: _suppress_until(groups, published, sizes, varied(norm), norms=(norm,))
        for norm in norms
    }
    return Publication(cells=published, norms=per_norm)


def atoms(
    groups: Iterable[Group], published: Iterable[Cell], norms: Iterable[str] | None = None
) -> dict[frozenset[Cell], Atom]:
    """The groups merged by the published cells they are in; boards in none are left out.

    `norms` limits the values merged to those norms (all when None): the loops need one at most.
    """
    shown = frozenset(published)
    merged: dict[frozenset[Cell], Atom] = {}
    for group in groups:
        signature = group.cells & shown
        if signature:
            merged.setdefault(signature, Atom()).add(group, norms)
    return merged


def _suppress_until(
    groups: list[Group],
    published: set[Cell] | frozenset[Cell],
    sizes: Mapping[Cell, int],
    ok: Callable[[Atom], bool],
    *,
    norms: tuple[str, ...],
) -> frozenset[Cell]:
    """Suppress cells, one at a time, until every atom is acceptable (or nothing is left)."""
    shown = set(published)
    while True:
        current = atoms(groups, shown, norms)
        bad = sorted(
            (signature for signature, atom in current.items() if not ok(atom)),
            key=lambda signature: (current[signature].boards, sorted(signature)),
        )
        if not bad:
            return frozenset(shown)
        candidates = sorted(shown - {ROUND})
        if not candidates:
            return frozenset()  # even the whole round as one group is not safe to show
        worst = bad[0]

        def merged(cell: Cell, worst: frozenset[Cell] = worst) -> tuple[bool, int, int]:
            # The smallest cell that fixes the atom loses least; failing that, the cell whose
            # suppression grows the atom most gets closest.
            after = atoms(groups, shown - {cell}, norms)
            atom = after.get(worst - {cell}, Atom())
            if ok(atom):
                return (True, -sizes.get(cell, 0), atom.boards)
            return (False, atom.boards, -sizes.get(cell, 0))

        shown.remove(max(candidates, key=merged))
