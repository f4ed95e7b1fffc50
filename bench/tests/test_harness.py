import pytest

from bench import harness
from bench.harness import Case, cases, measure, table
from kompas.frameworks.models import Norm
from kompas.frameworks.normenkader import SHIPPED_FRAMEWORK
from kompas.frameworks.services import framework_import


@pytest.fixture
def shipped(db):
    return framework_import(path=SHIPPED_FRAMEWORK).version


def test_every_benchmark_runs_and_reports_name_timing_queries_and_verdict(shipped, monkeypatch):
    # The sector cases seed a small sector here.
    monkeypatch.setitem(harness.SECTOR_SIZES, "small", (60, 2))
    results = [measure(case) for case in cases(runs=3)]

    assert next(result.name for result in results).startswith("import shipped framework")
    for result in results:
        assert result.runs >= 3
        assert 0 < result.median_ms <= result.p95_ms
        assert result.queries is not None
        assert set(result.as_dict()) == {
            "name",
            "runs",
            "median_ms",
            "p95_ms",
            "queries",
            "budget_ms",
            "passed",
        }
    assert "median ms" in table(results)


def test_the_import_benchmark_leaves_the_database_as_it_was(shipped):
    before = Norm.objects.count()

    measure(cases(runs=3)[0])

    assert Norm.objects.count() == before


def test_a_case_over_budget_fails(db):
    result = measure(Case("slow", budget_ms=0.0, run=lambda: sum(range(10_000)), runs=3))

    assert not result.passed


def test_a_case_with_varying_query_counts_fails(shipped):
    calls = []

    def varying():
        calls.append(1)
        list(Norm.objects.all())
        if len(calls) % 2:
            Norm.objects.count()

    result = measure(Case("varying", budget_ms=10_000, run=varying, runs=6))

    assert result.queries is None
    assert not result.passed


def test_the_published_share_per_cell_is_reported_from_the_latest_release(shipped):
    from kompas.demo.synthetic import sector_seed
    from kompas.monitoring.aggregates import release_now
    from kompas.monitoring.models import RoundFigure

    round_ = sector_seed(boards=60, rounds=1, seed=3).rounds[0]
    release = release_now(round_=round_)
    norms = RoundFigure.objects.filter(release=release, subject="norm", cut="all")

    shares = harness.published_shares()

    expected = norms.filter(suppressed=False).count() / norms.count()
    assert set(shares) == {round_.name}
    assert shares[round_.name]["all"] == pytest.approx(expected)
    assert "norm figures published per cell" in harness.share_table(shares)
