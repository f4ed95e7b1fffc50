"""Disclosure control: hand-worked cases, and an attacker that must never pin down a board.

The attacker reads every release of a round: per published cell the boards counted, how many
have each level and how many are at target. It knows every board's cells, when it submitted
(so which release first counted it), its target levels, and the values of every board that
shared by name. It subtracts the named boards, differences every pair of nested published sets
(a cell then and now, a cell and a bigger one), solves the published counts for single groups of
boards it cannot tell apart, and applies the all-or-none bound to everything it derives.
"""

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kompas.monitoring.disclosure import (
    CURRENT,
    ROUND,
    Attribute,
    Cell,
    Fact,
    Publication,
    Stratum,
    pinned,
    protect,
)

LEVELS = ("1", "2", "3", "4", "5", "open", "na")
PO, VO, SO = Cell("sector", "PO"), Cell("sector", "VO"), Cell("sector", "SO")
NOORD, ZUID = Cell("region", "Noord"), Cell("region", "Zuid")


@dataclass(frozen=True)
class Board:
    cells: frozenset[Cell]
    named: bool
    values: tuple[str, ...]  # per norm: "1".."5", "open" or "na"
    targets: tuple[int, ...] = ()  # per norm; 3 when not given
    release: int = 1  # the first release that counts it

    def target(self, index: int) -> int:
        return self.targets[index] if self.targets else 3

    def at_target(self, index: int) -> bool:
        value = self.values[index]
        return value.isdigit() and int(value) >= self.target(index)


# Protecting a round's releases, as aggregates.py does from the database ------------------------


def strata_of(boards, release, earlier, index=None):
    """The unknown boards counted by `release`, grouped as the database groups them.

    `earlier` maps each earlier release to what it showed (a Publication). With `index`, the
    strata of one norm: split by target, with counts per value; without, boards per cells.
    """
    found: dict[tuple, list[Board]] = {}
    for board in boards:
        if board.named or board.release > release:
            continue
        key = (board.cells, board.release, board.target(index) if index is not None else 0)
        found.setdefault(key, []).append(board)
    strata = []
    for (cells, first, target), members in sorted(found.items(), key=repr):
        facts = frozenset(
            Fact(number, cell) for number in earlier if number >= first for cell in cells
        )
        if index is None:
            counts = {"": len(members)}
            marked = None
        else:
            counts = dict(Counter(member.values[index] for member in members))
            marked = frozenset(str(level) for level in range(target, 6))
        strata.append(
            Stratum(cells=cells, boards=len(members), facts=facts, counts=counts, marked=marked)
        )
    return strata


def protect_releases(boards, norms, k, releases):
    """Each release in turn, protected with what the earlier ones showed."""
    shown: dict[int, Publication] = {}
    cells = sorted({cell for board in boards for cell in board.cells})
    for release in range(1, releases + 1):
        earlier = dict(shown)
        attributes = {
            norm: Attribute(
                LEVELS,
                strata_of(boards, release, earlier, index),
                frozenset(
                    Fact(number, cell)
                    for number, publication in earlier.items()
                    for cell in publication.norms.get(norm, ())
                ),
            )
            for index, norm in enumerate(norms)
        }
        shown[release] = protect(
            strata=strata_of(boards, release, earlier),
            cells=cells,
            attributes=attributes,
            k=k,
            counted=frozenset(
                Fact(number, cell)
                for number, publication in earlier.items()
                for cell in publication.cells
            ),
        )
    return shown


# The attacker ---------------------------------------------------------------------------------


def in_span(rows, target):
    """Whether `target` is a rational combination of `rows` (Gaussian elimination)."""

    def rank(vectors):
        matrix = [list(map(Fraction, vector)) for vector in vectors]
        found = 0
        for column in range(len(target)):
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


def published(boards, releases, index, norm):
    """What the pages show for one norm: per release and shown cell, counts and at target."""
    return {
        (release, cell): (
            Counter(b.values[index] for b in boards if b.release <= release and cell in b.cells),
            sum(b.at_target(index) for b in boards if b.release <= release and cell in b.cells),
        )
        for release, publication in releases.items()
        for cell in publication.norms.get(norm, ())
    }


def attack(boards, releases, index, norm, shares=True):
    """Every unknown board whose level or at-target status the attacker can pin down.

    Without `shares`, the attribute has no share at target (the quadrant, a goal).
    """
    figures = published(boards, releases, index, norm)
    unknown = [i for i, board in enumerate(boards) if not board.named]

    def members(release, cell):
        return frozenset(
            i for i in unknown if boards[i].release <= release and cell in boards[i].cells
        )

    # Subtract the named boards: what is left is about unknown boards only.
    derived: dict[frozenset[int], tuple[Counter, int]] = {}
    for (release, cell), (counts, reached) in figures.items():
        known = [b for b in boards if b.named and b.release <= release and cell in b.cells]
        derived[members(release, cell)] = (
            counts - Counter(b.values[index] for b in known),
            reached - sum(b.at_target(index) for b in known),
        )
    # Differencing nested sets: a cell now minus then, a cell minus a smaller one, twice over.
    for _ in range(2):
        for big, (big_counts, big_reached) in list(derived.items()):
            for small, (small_counts, small_reached) in list(derived.items()):
                if small < big:
                    derived.setdefault(
                        big - small, (big_counts - small_counts, big_reached - small_reached)
                    )
    # Solving the counts for single groups the attacker cannot tell apart.
    facts = list(figures)
    signature: dict[frozenset, list[int]] = {}
    for i in unknown:
        key = frozenset(fact for fact in facts if i in members(*fact))
        signature.setdefault(key, []).append(i)
    order = list(signature)
    rows = [[1 if fact in key else 0 for key in order] for fact in facts]
    for position, key in enumerate(order):
        if not key or not rows:
            continue
        if in_span(rows, [1 if at == position else 0 for at in range(len(order))]):
            group = frozenset(signature[key])
            derived.setdefault(
                group,
                (
                    Counter(boards[i].values[index] for i in group),
                    sum(boards[i].at_target(index) for i in group),
                ),
            )
    return pinned_groups(derived, shares)


def pinned_groups(derived, shares):
    """The all-or-none bound: every board of a group that has one level, or one status."""
    found: set[int] = set()
    for group, (counts, reached) in derived.items():
        if not group:
            continue
        if len([value for value, number in counts.items() if number > 0]) == 1:
            found |= group  # everyone in this group has the same level
        if shares and reached in (0, len(group)):
            found |= group  # everyone is at target, or no one is
    return found


# Hand-worked cases ----------------------------------------------------------------------------


def single_release(boards, norms=("GO",), k=3):
    return protect_releases(boards, norms, k, 1)[1]


def board(*cells, value="2", named=False, release=1, target=3):
    return Board(
        cells=frozenset({ROUND, *cells}),
        named=named,
        values=(value,),
        targets=(target,),
        release=release,
    )


def test_a_cell_with_fewer_than_k_unknown_boards_is_suppressed_and_one_more_with_it():
    boards = [
        *[board(PO, value=str(1 + i % 3)) for i in range(12)],
        *[board(VO, value=str(2 + i % 2)) for i in range(6)],
        *[board(SO, value=str(1 + i % 2)) for i in range(2)],
    ]

    shown = single_release(boards, k=5)

    # SO alone is below 5; showing PO and VO would give SO as the round minus both, so the
    # smaller of them goes too.
    assert shown.cells == {ROUND, PO}


def test_two_cells_that_overlap_leave_no_group_to_count_when_the_overlap_is_not_derivable():
    # Two boards in both PO and VO: PO + VO - round would count them if every board were in
    # PO or VO; three SO boards (too few to show) are in neither, so it counts both groups mixed.
    boards = [
        *[board(PO, value=str(1 + i % 3)) for i in range(12)],
        *[board(VO, value=str(2 + i % 2)) for i in range(12)],
        *[board(PO, VO, value=str(1 + i % 4)) for i in range(2)],
        *[board(SO, value=str(1 + i % 2)) for i in range(3)],
    ]

    assert single_release(boards, k=5).cells == {ROUND, PO, VO}
    # With SO large enough to show, the overlap is the sum of the sectors minus the round.
    boards += [board(SO, value=str(1 + i % 2)) for i in range(9)]
    assert not {PO, VO} <= single_release(boards, k=5).cells


def test_a_cell_where_everyone_scored_the_same_is_not_shown_for_that_norm():
    boards = [*[board(PO, value="2") for _ in range(6)], *[board(VO, value=v) for v in "234512"]]

    shown = single_release(boards)

    assert shown.cells == {ROUND, PO, VO}
    # PO's count would show each PO board's level; VO goes too, or the round minus VO would.
    assert shown.norms["GO"] == {ROUND}


def test_when_the_whole_round_scored_one_value_nothing_of_that_norm_is_shown():
    boards = [*[board(PO, value="1") for _ in range(6)], *[board(VO, value="1") for _ in range(6)]]

    assert single_release(boards).norms["GO"] == frozenset()


def test_fewer_than_k_boards_in_the_whole_round_shows_nothing():
    assert single_release([board(PO, value=v) for v in "12"], k=3).cells == frozenset()


def test_a_share_at_target_of_nought_gives_every_unknown_board_away():
    """Levels that differ are not enough: the share says each board is below its target."""
    boards = [
        *[board(PO, value=v) for v in "121212"],  # below target 3, on different levels
        *[board(PO, value="4", named=True) for _ in range(3)],  # the only ones at target
        *[board(VO, value=v) for v in "123452"],
    ]
    everything = frozenset({ROUND, PO, VO})
    unprotected = {1: Publication(cells=everything, norms={"GO": everything})}

    assert attack(boards, unprotected, 0, "GO") == set(range(6))
    shown = single_release(boards)
    assert PO not in shown.norms["GO"]
    assert attack(boards, {1: shown}, 0, "GO") == set()


def test_one_board_joining_between_two_releases_is_not_given_away_by_their_difference():
    first = [*[board(PO, value=v) for v in "12341234"], *[board(VO, value=v) for v in "2345234"]]
    late = board(VO, value="5", release=2)
    boards = [*first, late]
    everything = frozenset({ROUND, PO, VO})
    unprotected = {
        release: Publication(cells=everything, norms={"GO": everything}) for release in (1, 2)
    }

    assert len(boards) - 1 in attack(boards, unprotected, 0, "GO")
    shown = protect_releases(boards, ("GO",), 3, 2)
    assert ROUND in shown[1].norms["GO"]
    assert attack(boards, shown, 0, "GO") == set()
    # The round and VO gained one board: release 2 cannot show either of them.
    assert not {ROUND, VO} & shown[2].cells


def test_the_linear_audit_sees_through_a_combination_of_four_cells():
    # One board in each cross-cell of sector x region: a change on the diagonal keeps every
    # margin, so no level is fixed when the diagonals differ ...
    crossed = [
        Stratum(cells=frozenset({ROUND, PO, NOORD}), boards=1, counts={"1": 1}),
        Stratum(cells=frozenset({ROUND, PO, ZUID}), boards=1, counts={"2": 1}),
        Stratum(cells=frozenset({ROUND, VO, NOORD}), boards=1, counts={"2": 1}),
        Stratum(cells=frozenset({ROUND, VO, ZUID}), boards=1, counts={"1": 1}),
    ]
    facts = [Fact(CURRENT, cell) for cell in (ROUND, PO, VO, NOORD, ZUID)]
    assert pinned(Attribute(LEVELS, crossed), facts) == []
    # ... but when PO scored 1 throughout, PO's own count fixes both its boards.
    uniform = [
        Stratum(cells=frozenset({ROUND, PO, NOORD}), boards=1, counts={"1": 1}),
        Stratum(cells=frozenset({ROUND, PO, ZUID}), boards=1, counts={"1": 1}),
        Stratum(cells=frozenset({ROUND, VO, NOORD}), boards=1, counts={"2": 1}),
        Stratum(cells=frozenset({ROUND, VO, ZUID}), boards=1, counts={"2": 1}),
    ]
    assert {found.stratum for found in pinned(Attribute(LEVELS, uniform), facts)} == {0, 1, 2, 3}


# The property ---------------------------------------------------------------------------------

SECTORS = ("PO", "VO", "SO")
SIZES = ("klein", "middel", "groot")
REGIONS = ("Noord", "Oost", "Zuid", "West")
NORMS = ("GO.01", "SM.02")

boards_strategy = st.lists(
    st.builds(
        lambda sectors, size, region, named, values, targets, release: Board(
            cells=frozenset(
                {ROUND, Cell("size", size), Cell("region", region)}
                | {Cell("sector", sector) for sector in sectors}
            ),
            named=named,
            values=values,
            targets=targets,
            release=release,
        ),
        st.sets(st.sampled_from(SECTORS), min_size=1, max_size=2),
        st.sampled_from(SIZES),
        st.sampled_from(REGIONS),
        st.sampled_from([False, False, False, True]),  # about a quarter share by name
        # Few values, so that groups where everyone scored the same happen often.
        st.tuples(*[st.sampled_from(LEVELS[:3]) | st.sampled_from(LEVELS) for _ in NORMS]),
        st.tuples(*[st.sampled_from((3, 3, 3, 2, 4)) for _ in NORMS]),
        st.sampled_from((1, 1, 2, 3)),  # most boards submit before the first release
    ),
    min_size=5,
    max_size=45,
)


@settings(max_examples=120, deadline=None)
@given(boards=boards_strategy, k=st.integers(min_value=2, max_value=6))
def test_no_unknown_board_is_pinned_down_by_any_release_or_their_differences(boards, k):
    releases = protect_releases(boards, NORMS, k, 3)

    for publication in releases.values():
        for norm in NORMS:
            assert publication.norms[norm] <= publication.cells
    for index, norm in enumerate(NORMS):
        assert attack(boards, releases, index, norm) == set(), norm


def test_the_attacker_does_find_boards_when_nothing_is_suppressed():
    """Without protection the same attacker succeeds: the property above is not vacuous."""
    cells = frozenset({ROUND, Cell("sector", "PO"), Cell("region", "Noord")})
    boards = [
        *[Board(cells=cells, named=False, values=(str(1 + i % 3), "2")) for i in range(10)],
        # One board is PO but not in Noord: PO minus Noord is that board alone.
        Board(cells=frozenset({ROUND, Cell("sector", "PO")}), named=False, values=("5", "2")),
        Board(cells=frozenset({ROUND}), named=True, values=("4", "3")),
    ]
    everything = frozenset(cells)
    unprotected = {1: Publication(cells=everything, norms=dict.fromkeys(NORMS, everything))}

    assert attack(boards, unprotected, 0, "GO.01") == {10}
    # Every unknown board scored 2 on SM.02: the round total gives each of them away.
    assert attack(boards, unprotected, 1, "SM.02") == set(range(11))
    protected = protect_releases(boards, NORMS, 3, 1)
    assert attack(boards, protected, 0, "GO.01") == set()
    assert attack(boards, protected, 1, "SM.02") == set()
