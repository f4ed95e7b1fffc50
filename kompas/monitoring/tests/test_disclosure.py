"""Disclosure control: hand-worked cases, and an attacker that must never pin down a level."""

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kompas.monitoring.disclosure import ROUND, Cell, Group, Publication, atoms, protect

PO, VO, SO = Cell("sector", "PO"), Cell("sector", "VO"), Cell("sector", "SO")
NOORD, ZUID = Cell("region", "Noord"), Cell("region", "Zuid")


def group(*cells, boards, **values):
    return Group(
        cells=frozenset({ROUND, *cells}),
        boards=boards,
        values={norm: frozenset(found) for norm, found in values.items()},
    )


def test_a_cell_with_fewer_than_k_unknown_boards_is_suppressed_and_one_more_with_it():
    groups = [
        group(PO, boards=30, GO="12"),
        group(VO, boards=15, GO="23"),
        group(SO, boards=4, GO="13"),
    ]

    shown = protect(groups=groups, cells=[ROUND, PO, VO, SO], norms=["GO"], k=10)

    # SO alone is below 10; showing PO and VO would give SO as the round minus both, so the
    # smaller of them goes too: VO and SO together hold 19 boards.
    assert shown.cells == {ROUND, PO}
    assert shown.norms["GO"] == {ROUND, PO}


def test_two_cuts_that_differ_by_a_small_group_cannot_both_be_shown():
    # Region Noord is the PO boards plus 3 VO boards: Noord minus PO would show those 3.
    groups = [
        group(PO, NOORD, boards=20, GO="12"),
        group(VO, NOORD, boards=3, GO="23"),
        group(VO, ZUID, boards=25, GO="34"),
    ]

    shown = protect(groups=groups, cells=[ROUND, PO, VO, NOORD, ZUID], norms=["GO"], k=10)

    assert all(atom.boards >= 10 for atom in atoms(groups, shown.cells).values())
    assert not {PO, NOORD} <= shown.cells
    assert not {VO, ZUID} <= shown.cells


def test_a_norm_on_which_a_cell_scored_one_value_is_not_shown_for_that_cell():
    groups = [group(PO, boards=12, GO="2", SM="123"), group(VO, boards=12, GO="23", SM="12")]

    shown = protect(groups=groups, cells=[ROUND, PO, VO], norms=["GO", "SM"], k=10)

    assert shown.cells == {ROUND, PO, VO}
    assert shown.norms["SM"] == {ROUND, PO, VO}
    # Every PO board scored 2 on GO: showing PO's distribution would show each of their levels.
    assert shown.norms["GO"] == {ROUND}
    assert not shown.shows_all(PO, ["GO", "SM"])
    assert shown.shows_all(ROUND, ["GO", "SM"])


def test_when_the_whole_round_scored_one_value_nothing_of_that_norm_is_shown():
    groups = [group(PO, boards=15, GO="1"), group(VO, boards=15, GO="1")]

    shown = protect(groups=groups, cells=[ROUND, PO, VO], norms=["GO"], k=10)

    assert shown.norms["GO"] == frozenset()


def test_fewer_than_k_boards_in_the_whole_round_shows_nothing():
    shown = protect(groups=[group(PO, boards=9, GO="12")], cells=[ROUND, PO], norms=["GO"], k=10)

    assert shown.cells == frozenset()


# The attacker ---------------------------------------------------------------------------------

SECTORS = ("PO", "VO", "SO")
SIZES = ("klein", "middel", "groot")
REGIONS = ("Noord", "Oost", "Zuid", "West")
VALUES = ("1", "2", "3", "4", "5", "na")
NORMS = ("GO.01", "SM.02")


@dataclass(frozen=True)
class Board:
    cells: frozenset[Cell]
    named: bool
    values: tuple[str, ...]


boards_strategy = st.lists(
    st.builds(
        lambda sectors, size, region, named, values: Board(
            cells=frozenset(
                {ROUND, Cell("size", size), Cell("region", region)}
                | {Cell("sector", sector) for sector in sectors}
            ),
            named=named,
            values=values,
        ),
        st.sets(st.sampled_from(SECTORS), min_size=1, max_size=2),
        st.sampled_from(SIZES),
        st.sampled_from(REGIONS),
        st.sampled_from([False, False, False, True]),  # about a quarter share by name
        # Few values, so that groups where everyone scored the same happen often.
        st.tuples(*[st.sampled_from(VALUES[:3]) | st.sampled_from(VALUES) for _ in NORMS]),
    ),
    min_size=5,
    max_size=60,
)


def groups_of(boards):
    """What the database hands over: unknown boards counted per combination of cells."""
    found: dict[frozenset[Cell], list[Board]] = {}
    for board in boards:
        if not board.named:
            found.setdefault(board.cells, []).append(board)
    return [
        Group(
            cells=cells,
            boards=len(members),
            values={
                norm: frozenset(member.values[index] for member in members)
                for index, norm in enumerate(NORMS)
            },
        )
        for cells, members in found.items()
    ]


def published_counts(boards, shown, norm_index, norm):
    """The figures as published: per shown cell, how many boards (named ones too) per value."""
    return {
        cell: Counter(board.values[norm_index] for board in boards if cell in board.cells)
        for cell in shown.norms[norm]
    }


def in_span(rows, target):
    """Whether `target` is a rational combination of `rows` (Gaussian elimination)."""

    def rank(vectors):
        matrix = [list(map(Fraction, vector)) for vector in vectors]
        found, column_count = 0, len(target)
        for column in range(column_count):
            pivot = next(
                (row for row in range(found, len(matrix)) if matrix[row][column] != 0), None
            )
            if pivot is None:
                continue
            matrix[found], matrix[pivot] = matrix[pivot], matrix[found]
            for row in range(len(matrix)):
                if row != found and matrix[row][column] != 0:
                    factor = matrix[row][column] / matrix[found][column]
                    matrix[row] = [
                        a - factor * b for a, b in zip(matrix[row], matrix[found], strict=True)
                    ]
            found += 1
        return found

    return rank(rows) == rank([*rows, target])


def attack(boards, shown, norm_index, norm):
    """Every unknown board whose value on `norm` the attacker can pin down."""
    counts = published_counts(boards, shown, norm_index, norm)
    unknown = [board for board in boards if not board.named]
    known = [board for board in boards if board.named]
    # Subtract the named boards: what is left is about unknown boards only.
    derived = {}
    for cell, count in counts.items():
        members = frozenset(i for i, board in enumerate(unknown) if cell in board.cells)
        rest = count - Counter(b.values[norm_index] for b in known if cell in b.cells)
        derived[members] = rest
    # Differencing nested cells.
    for big, big_count in list(derived.items()):
        for small, small_count in list(derived.items()):
            if small < big:
                derived.setdefault(big - small, big_count - small_count)
    # Solving the counts for single atoms.
    signature: dict[frozenset[Cell], list[int]] = {}
    for i, board in enumerate(unknown):
        signature.setdefault(frozenset(c for c in counts if c in board.cells), []).append(i)
    order = list(signature)
    rows = [[1 if cell in key else 0 for key in order] for cell in counts]
    for position, key in enumerate(order):
        if not key or not rows:
            continue
        target = [1 if index == position else 0 for index in range(len(order))]
        if in_span(rows, target):
            members = frozenset(signature[key])
            if members not in derived:
                derived[members] = Counter(unknown[i].values[norm_index] for i in members)
    pinned: set[int] = set()
    for members, count in derived.items():
        values = [value for value, number in count.items() if number > 0]
        if members and len(values) == 1:  # everyone in this group has the same value
            pinned |= members
    return pinned


@settings(max_examples=150, deadline=None)
@given(boards=boards_strategy, k=st.integers(min_value=2, max_value=6))
def test_no_unknown_board_s_level_can_be_recovered_from_the_published_figures(boards, k):
    groups = groups_of(boards)
    cells = sorted({cell for board in boards for cell in board.cells})

    shown = protect(groups=groups, cells=cells, norms=NORMS, k=k)

    for atom in atoms(groups, shown.cells).values():
        assert atom.boards >= k
    for index, norm in enumerate(NORMS):
        assert shown.norms[norm] <= shown.cells
        assert attack(boards, shown, index, norm) == set()


def test_the_attacker_does_find_levels_when_nothing_is_suppressed():
    """Without protection the same attacker succeeds: the property above is not vacuous."""
    cells = frozenset({ROUND, Cell("sector", "PO"), Cell("region", "Noord")})
    boards = [
        *[Board(cells=cells, named=False, values=(str(1 + i % 3), "2")) for i in range(10)],
        # One board is PO but not in Noord: PO minus Noord is that board alone.
        Board(cells=frozenset({ROUND, Cell("sector", "PO")}), named=False, values=("5", "2")),
        Board(cells=frozenset({ROUND}), named=True, values=("4", "3")),
    ]
    everything = frozenset(cells)
    unprotected = Publication(cells=everything, norms=dict.fromkeys(NORMS, everything))

    assert attack(boards, unprotected, 0, "GO.01") == {10}
    # Every unknown board scored 2 on SM.02: the round total gives each of them away.
    assert attack(boards, unprotected, 1, "SM.02") == set(range(11))
    protected = protect(groups=groups_of(boards), cells=cells, norms=NORMS, k=3)
    assert attack(boards, protected, 0, "GO.01") == set()
    assert attack(boards, protected, 1, "SM.02") == set()
