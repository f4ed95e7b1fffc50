import pytest

from kompas.frameworks.selectors import search_norms


def codes(results):
    return [norm.code for norm in results]


@pytest.mark.parametrize("query", ["SM.02", "sm.02", "SM02", "sm 2", "SM.2"])
def test_it_finds_a_norm_by_its_code_in_any_spelling(shipped_version, query):
    assert codes(search_norms(version=shipped_version, query=query)) == ["SM.02"]


def test_it_finds_norms_by_words_in_title_and_text(shipped_version):
    results = codes(search_norms(version=shipped_version, query="back-up"))

    assert "OP.02" in results
    assert "BC.03" in results


def test_it_ignores_case_and_accents(shipped_version):
    plain = codes(search_norms(version=shipped_version, query="continuiteit"))
    accented = codes(search_norms(version=shipped_version, query="CONTINUÏTEIT"))

    assert plain
    assert plain == accented


def test_every_word_must_match(shipped_version):
    both = set(codes(search_norms(version=shipped_version, query="toegangsrechten periodieke")))
    one = set(codes(search_norms(version=shipped_version, query="toegangsrechten")))

    assert "ID.05" in both
    assert both < one


def test_an_empty_query_or_nonsense_finds_nothing(shipped_version):
    assert search_norms(version=shipped_version, query="   ") == []
    assert search_norms(version=shipped_version, query="xyzzyplugh") == []


def test_like_wildcards_in_the_query_are_taken_literally(small_version):
    assert search_norms(version=small_version, query="%") == []
    assert search_norms(version=small_version, query="_") == []


def test_the_search_page_works_without_javascript_and_with_htmx(client, shipped_version):
    path = "/frameworks/normenkader-ibp-fo/2024.1/search/?q=wachtwoord"

    full = client.get(path)
    partial = client.get(path, HTTP_HX_REQUEST="true")

    assert "<html" in full.text
    assert "<html" not in partial.text
    assert "normen gevonden" in partial.text or "norm gevonden" in partial.text
    assert 'id="search-results"' in full.text
