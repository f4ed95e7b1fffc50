"""Disclosure control: which figures of a release may be published.

Every published sector figure passes through `protect()`; docs/disclosure-control.md states the
threat model and why these rules suffice. The input is small and comes from the database: the
unknown (never named) boards counted per stratum — boards that every figure ever published, or
about to be, counts alike — with how many of them have each value. No board is looked at one by
one here.

Two rules decide:

- **Groups of at least k** (`_counted_cells`): a cell is shown only if it holds `k` unknown
  boards, and within each cut, over all releases of the round, every group that differencing
  can isolate (a cell minus its neighbours, a cell now minus the same cell then, two nested
  cells) holds `k` unknown boards or none.
- **No value pinned** (`_pinned`): for each attribute (a norm, the quadrant, a goal), a linear
  programme looks for a way to change the unknown boards' values that keeps every published
  figure of every release the same. A stratum whose value (or at-target status) no such change
  can move is exposed, and cells are suppressed until none is.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_array, csr_array, hstack

CURRENT = 0  # the release being computed; earlier ones are known by their number


@dataclass(frozen=True, order=True)
class Cell:
    """One predefined cell: the whole round, or one value of one cut (sector, size, region)."""

    cut: str
    value: str = ""


ROUND = Cell("all")


@dataclass(frozen=True, order=True)
class Fact:
    """A cell as one release published it: the boards counted in it then."""

    release: int
    cell: Cell


@dataclass(frozen=True)
class Stratum:
    """Unknown boards that are in exactly the same cells of every release, and their values.

    `cells` are the cells of the release being computed (empty for boards not in it, e.g. of an
    earlier round); `facts` the figures of earlier releases that counted them. `counts` gives,
    for one attribute, how many of them have each value; `marked` are the values the share
    figure counts (at or above target), which may differ between strata (their target does).
    """

    cells: frozenset[Cell]
    boards: int
    facts: frozenset[Fact] = frozenset()
    counts: Mapping[str, int] = field(default_factory=dict)
    marked: frozenset[str] | None = None

    def members(self) -> frozenset[Fact]:
        return self.facts | {Fact(CURRENT, cell) for cell in self.cells}


@dataclass(frozen=True)
class Attribute:
    """Something published per cell as a distribution: its possible values and its strata.

    `shown` are the facts of earlier releases that published it; they stand and are part of
    what the adversary knows.
    """

    values: tuple[str, ...]
    strata: Sequence[Stratum]
    shown: frozenset[Fact] = frozenset()


@dataclass(frozen=True)
class Publication:
    """What may be shown: cells with their board counts, and per attribute the cells it shows."""

    cells: frozenset[Cell]
    norms: Mapping[str, frozenset[Cell]]

    def shows(self, cell: Cell, norm: str | None = None) -> bool:
        if norm is None:
            return cell in self.cells
        return cell in self.norms.get(norm, frozenset())

    def shows_all(self, cell: Cell, norms: Iterable[str]) -> bool:
        """A mean or median over several norms: only when each of them is shown."""
        return cell in self.cells and all(self.shows(cell, norm) for norm in norms)


def protect(
    *,
    strata: Sequence[Stratum],
    cells: Iterable[Cell],
    attributes: Mapping[str, Attribute],
    k: int,
    counted: frozenset[Fact] = frozenset(),
) -> Publication:
    """Decide the cells of the release being computed, overall and per attribute.

    `strata` are the unknown boards by the cells they are in (for the group-size rule);
    `counted` the cells earlier releases of the round showed.
    """
    shown = _counted_cells(strata, set(cells), counted, k)
    per_attribute = {
        name: _unpinned(attribute, shown, _sizes(strata)) for name, attribute in attributes.items()
    }
    return Publication(cells=shown, norms=per_attribute)


def _sizes(strata: Iterable[Stratum]) -> dict[Cell, int]:
    sizes: dict[Cell, int] = defaultdict(int)
    for stratum in strata:
        for cell in stratum.cells:
            sizes[cell] += stratum.boards
    return sizes


# Groups of at least k --------------------------------------------------------------------------


def groups(
    strata: Iterable[Stratum], shown: Iterable[Fact], cut: str | None = None
) -> dict[frozenset[Fact], int]:
    """Unknown boards of the current release merged by the shown facts they are in.

    With `cut`, only the whole round and that cut's cells count: what differencing within one
    cut (and over time) can isolate. Boards in no shown fact are left out.
    """
    visible = frozenset(shown)
    merged: dict[frozenset[Fact], int] = defaultdict(int)
    for stratum in strata:
        if not stratum.cells:
            continue
        signature = frozenset(
            fact
            for fact in stratum.members() & visible
            if cut is None or fact.cell == ROUND or fact.cell.cut == cut
        )
        if signature:
            merged[signature] += stratum.boards
    return dict(merged)


def _counted_cells(
    strata: Sequence[Stratum], cells: set[Cell], counted: frozenset[Fact], k: int
) -> frozenset[Cell]:
    """The cells whose board counts (and so any figure) the current release may show."""
    sizes = _sizes(strata)
    shown = {cell for cell in cells if sizes.get(cell, 0) >= k}
    cuts = sorted({cell.cut for cell in cells} - {ROUND.cut})
    while shown:
        facts = counted | {Fact(CURRENT, cell) for cell in shown}
        offending = _small_group(strata, facts, cuts, k) or _small_difference(
            strata, shown, sizes, k
        )
        if offending is None:
            return frozenset(shown)
        candidates = sorted(offending & shown - {ROUND}, key=lambda cell: (sizes[cell], cell))
        victim = candidates[0] if candidates else ROUND
        if victim not in shown:
            # Isolated by earlier releases alone: nothing this release shows can undo it.
            return frozenset(shown)
        shown.remove(victim)
    return frozenset()


def _small_group(
    strata: Sequence[Stratum], facts: frozenset[Fact], cuts: list[str], k: int
) -> set[Cell] | None:
    """The current cells of a group with fewer than k unknown boards, isolated within a cut.

    A group is isolated when its boards' count is a combination of the cut's published counts
    (the whole round included, now and in earlier releases): a cell minus its neighbours, a
    cell now minus the same cell then. Overlapping cells (boards in two sectors) often leave a
    small group uncountable; that is checked, not assumed.
    """
    for cut in cuts:
        found = groups(strata, facts, cut)
        small = [signature for signature, boards in found.items() if boards < k]
        if not small:
            continue
        signatures = sorted(found, key=sorted)
        rows = sorted({fact for signature in signatures for fact in signature})
        matrix = np.array(
            [[1.0 if fact in signature else 0.0 for signature in signatures] for fact in rows]
        )
        rank = np.linalg.matrix_rank(matrix)
        for signature in sorted(small, key=lambda found_: (found[found_], sorted(found_))):
            alone = np.array([[1.0 if other == signature else 0.0 for other in signatures]])
            if np.linalg.matrix_rank(np.vstack([matrix, alone])) > rank:
                continue  # no combination of published counts gives this group's count
            current = {fact.cell for fact in signature if fact.release == CURRENT} - {ROUND}
            # A group in no current cell of the cut but the whole round is the complement
            # of the cut's shown cells: suppressing one more of them merges it.
            return (
                current
                or {fact.cell for fact in facts if fact.release == CURRENT and fact.cell.cut == cut}
                or {ROUND}
            )
    return None


def _small_difference(
    strata: Sequence[Stratum], shown: set[Cell], sizes: Mapping[Cell, int], k: int
) -> set[Cell] | None:
    """Two nested cells of different cuts that differ by fewer than k unknown boards."""
    members: dict[Cell, set[int]] = defaultdict(set)
    for index, stratum in enumerate(strata):
        for cell in stratum.cells & shown:
            members[cell].add(index)
    ordered = sorted(shown, key=lambda cell: (sizes[cell], cell))
    for position, small in enumerate(ordered):
        for big in ordered[position + 1 :]:
            nested = big.cut != small.cut and members[small] <= members[big]
            if nested and 0 < sizes[big] - sizes[small] < k:
                return {small, big}
    return None


# No value pinned -------------------------------------------------------------------------------

# Each candidate's slack is capped at STEP, small against the unit box of the directions: then a
# single direction can move every movable candidate at once (the cone holds their average), so
# one programme usually settles an attribute. A slack counts as a move above MOVES, well clear
# of the solver's tolerances.
STEP = 1e-3
MOVES = 1e-5


@dataclass(frozen=True)
class Exposure:
    """A stratum of which the published figures fix a value (or whether it is at target)."""

    stratum: int
    what: str


def pinned(attribute: Attribute, shown: Iterable[Fact]) -> list[Exposure]:
    """Every stratum whose value the published facts fix, in the linear relaxation.

    The adversary knows each stratum's size and every shown fact's counts per value (and, where
    strata have marked values, how many are marked). A value of a stratum is fixed when no
    change of the unknown boards' values that keeps all those counts can move it. The changes
    form a cone; one linear programme per round of candidates finds every value some change
    can move, since the sum of two changes is a change too.
    """
    strata = [stratum for stratum in attribute.strata if stratum.boards > 0]
    facts = sorted(set(shown))
    values = attribute.values
    width = len(values)
    index = {value: position for position, value in enumerate(values)}

    def var(stratum: int, value: str) -> int:
        return stratum * width + index[value]

    columns = len(strata) * width
    lower, upper = np.full(columns, -1.0), np.full(columns, 1.0)
    rows: list[list[tuple[int, float]]] = []
    candidates: list[tuple[Exposure, list[tuple[int, float]]]] = []
    members: dict[Fact, list[int]] = defaultdict(list)
    for position, stratum in enumerate(strata):
        for fact in stratum.members():
            members[fact].append(position)
        rows.append([(var(position, value), 1.0) for value in values])
        for value in values:
            have = stratum.counts.get(value, 0)
            if have == 0:
                lower[var(position, value)] = 0.0
            if have == stratum.boards:
                upper[var(position, value)] = 0.0
                # Every board of the stratum has this value: it must be able to go down.
                candidates.append(
                    (Exposure(position, f"value {value}"), [(var(position, value), -1.0)])
                )
        if stratum.marked is not None:
            marked = sorted(index[value] for value in stratum.marked if value in index)
            reached = sum(stratum.counts.get(values[found], 0) for found in marked)
            terms = [(position * width + found, 1.0) for found in marked]
            if terms and reached == stratum.boards:
                candidates.append((Exposure(position, "all at target"), _negated(terms)))
            elif terms and reached == 0:
                candidates.append((Exposure(position, "none at target"), terms))
    any_marked = any(stratum.marked is not None for stratum in strata)
    # Facts that count the same strata give the same rows (a cell in two releases with no board
    # joined in between): one copy is enough, the others are redundant equalities.
    counted: set[tuple[int, ...]] = set()
    for fact in facts:
        inside = members.get(fact, [])
        if not inside or tuple(inside) in counted:
            continue
        counted.add(tuple(inside))
        for value in values:
            rows.append([(var(position, value), 1.0) for position in inside])
        if any_marked:
            rows.append(
                [
                    (var(position, value), 1.0)
                    for position in inside
                    for value in strata[position].marked or ()
                    if value in index
                ]
            )
    return _unmovable(rows, candidates, lower, upper)


def _negated(terms: list[tuple[int, float]]) -> list[tuple[int, float]]:
    return [(column, -weight) for column, weight in terms]


def _unmovable(
    rows: list[list[tuple[int, float]]],
    candidates: list[tuple[Exposure, list[tuple[int, float]]]],
    lower: np.ndarray,
    upper: np.ndarray,
) -> list[Exposure]:
    """The candidates no direction in the cone can make positive."""
    columns = len(lower)
    if not candidates:
        return []
    # The cone's equalities are the same in every round below; only the slacks change.
    cone = _sparse(rows, shape=(len(rows), columns))
    open_ = list(range(len(candidates)))
    while open_:
        # Variables: the direction (columns), then one slack per open candidate, each at most
        # what the direction achieves for it and at most STEP; maximise their sum.
        count = len(open_)
        slack_rows = [
            [(column, -weight) for column, weight in candidates[candidate][1]]
            + [(columns + row, 1.0)]
            for row, candidate in enumerate(open_)
        ]
        # linprog takes sparse constraint matrices (documented); scipy-stubs lists dense ones only.
        result = linprog(  # type: ignore[call-overload]
            c=np.concatenate([np.zeros(columns), -np.ones(count)]),
            A_ub=_sparse(slack_rows, shape=(count, columns + count)),
            b_ub=np.zeros(count),
            A_eq=hstack([cone, csr_array((len(rows), count))], format="csr"),
            b_eq=np.zeros(len(rows)),
            bounds=np.column_stack(
                [
                    np.concatenate([lower, np.zeros(count)]),
                    np.concatenate([upper, np.full(count, STEP)]),
                ]
            ),
            method="highs",
        )
        if result.status != 0:
            raise RuntimeError(f"The disclosure audit could not be solved: {result.message}")
        moved = {
            candidate
            for candidate, slack in zip(open_, result.x[columns:], strict=True)
            if slack > MOVES
        }
        if not moved:
            break
        open_ = [candidate for candidate in open_ if candidate not in moved]
    return [candidates[candidate][0] for candidate in open_]


def _sparse(rows: list[list[tuple[int, float]]], *, shape: tuple[int, int]) -> csr_array:
    """A sparse matrix from rows of (column, weight)."""
    sizes = [len(terms) for terms in rows]
    row_index = np.repeat(np.arange(len(rows)), sizes)
    flat = [term for terms in rows for term in terms]
    col_index = np.fromiter((column for column, _weight in flat), dtype=np.int64, count=len(flat))
    data = np.fromiter((weight for _column, weight in flat), dtype=np.float64, count=len(flat))
    return coo_array((data, (row_index, col_index)), shape=shape).tocsr()


def _unpinned(
    attribute: Attribute, counted: frozenset[Cell], sizes: Mapping[Cell, int]
) -> frozenset[Cell]:
    """The current cells that may show the attribute: suppressed until no stratum is pinned."""
    shown = set(counted)
    strata = [stratum for stratum in attribute.strata if stratum.boards > 0]
    # Cells an earlier release counted but held back for this attribute.
    hidden_before = frozenset(fact.cell for stratum in strata for fact in stratum.facts) - {
        fact.cell for fact in attribute.shown
    }
    while shown:
        facts = attribute.shown | {Fact(CURRENT, cell) for cell in shown}
        exposed = pinned(Attribute(attribute.values, strata, attribute.shown), facts)
        if not exposed:
            return frozenset(shown)
        dropped: set[Cell | None] = set()
        for exposure in exposed:
            dropped.add(_to_suppress(strata[exposure.stratum], shown, sizes, hidden_before))
        dropped.discard(None)
        if not dropped:
            # Fixed by earlier releases alone: nothing this release shows can undo it.
            return frozenset(shown)
        shown -= dropped
    return frozenset()


def _to_suppress(
    stratum: Stratum,
    shown: set[Cell],
    sizes: Mapping[Cell, int],
    hidden_before: frozenset[Cell] = frozenset(),
) -> Cell | None:
    """The cell whose suppression best frees an exposed stratum.

    A cell an earlier release held back goes first: showing it now beside what that release
    showed is what most often exposes, and holding it back again keeps the releases alike.
    The smallest shown cell it is in; when it is in none but the whole round, it is exposed as
    the round minus cells of a cut it is not shown in, so the smallest of those goes; the whole
    round only when nothing else is left.
    """

    def smallest(cells: Iterable[Cell]) -> Cell | None:
        return min(
            cells,
            key=lambda cell: (cell not in hidden_before, sizes.get(cell, 0), cell),
            default=None,
        )

    inside = smallest(stratum.cells & shown - {ROUND})
    if inside is not None:
        return inside
    hidden_cuts = {cell.cut for cell in stratum.cells - shown}
    beside = smallest(cell for cell in shown - {ROUND} if cell.cut in hidden_cuts)
    if beside is not None:
        return beside
    return ROUND if ROUND in stratum.cells & shown else None
