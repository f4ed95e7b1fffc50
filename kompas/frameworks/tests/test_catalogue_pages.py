import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kompas.testing.frameworks import framework_doc, import_document, norm_doc


def url(version, *rest):
    base = f"/frameworks/{version.framework.slug}/{version.version}/"
    return base + "".join(f"{part}/" for part in rest)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


def test_the_index_lists_frameworks_and_versions(client, shipped_version):
    response = client.get("/frameworks/")

    assert "Normenkader IBP Funderend Onderwijs" in response.text
    assert url(shipped_version) in response.text


def test_the_framework_address_leads_to_its_latest_version(client, small_version):
    newer = import_document(framework_doc(version="2.0"))

    response = client.get("/frameworks/test-kader/")

    assert response.status_code == 302
    assert response["Location"] == url(newer)


def test_an_unknown_framework_or_version_answers_404(client, small_version):
    assert client.get("/frameworks/nope/").status_code == 404
    assert client.get("/frameworks/test-kader/9.9/").status_code == 404
    assert client.get(url(small_version, "domains", "XX")).status_code == 404
    assert client.get(url(small_version, "norms", "XX.99")).status_code == 404


def test_the_catalogue_shows_parts_and_domains_with_norm_counts(client, shipped_version):
    html = client.get(url(shipped_version)).text

    assert "Informatiebeveiliging" in html
    assert "69 normen" in html
    assert "25 normen" in html
    assert "Identity- en accessmanagement" in html
    assert "Het officiële" in html or "leidend" in html


def test_the_domain_page_lists_its_norms_and_responsibilities(client, shipped_version):
    html = client.get(url(shipped_version, "domains", "ID")).text

    assert "Administratie van toegangsrechten" in html
    assert "Periodieke beoordeling van toegangsrechten" in html
    assert html.count('href="/frameworks/normenkader-ibp-fo/2024.1/norms/ID.') == 6
    assert "Eindverantwoordelijk" in html


def test_the_norm_page_shows_statement_why_levels_measures_and_references(client, small_version):
    html = client.get(url(small_version, "norms", "GO.01")).text

    assert "Wat GO.01 vraagt." in html
    assert "Waarom GO.01 ertoe doet." in html
    for level in range(1, 6):
        assert f"GO.01 op niveau {level}." in html
    assert "level--target" in html
    assert html.index("level--target") < html.index("GO.01 op niveau 3.")
    assert html.index("GO.01 op niveau 2.") < html.index("level--target")
    assert "Eerste stap voor GO.01." in html
    assert "ISO/IEC 27002:2022 5.1" in html
    assert 'rel="next"' in html


def test_the_norm_page_says_whether_code_and_title_are_confirmed(client, shipped_version):
    confirmed = client.get(url(shipped_version, "norms", "SM.02")).text
    ours = client.get(url(shipped_version, "norms", "SM.01")).text

    assert "Code en titel bevestigd" in confirmed
    assert "Code of titel opgesteld door IBP-Kompas" in ours


def test_user_text_from_a_framework_file_is_escaped(client, db):
    document = framework_doc()
    document["norms"][0]["statement"] = '<script>alert("x")</script>'
    version = import_document(document)

    html = client.get(url(version, "norms", "GO.01")).text

    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("subpath", ["", "domains/GO/", "norms/GO.01/", "search/?q=beleid"])
def test_query_counts_do_not_grow_with_the_number_of_norms(client, db, subpath):
    small = framework_doc(slug="klein")
    large = framework_doc(slug="groot")
    large["norms"] += [norm_doc(f"GO.{n:02d}", "GO") for n in range(3, 60)]
    large["norms"] += [norm_doc(f"BC.{n:02d}", "BC") for n in range(4, 40)]
    small_version = import_document(small)
    large_version = import_document(large)

    small_count = count_queries(client, url(small_version) + subpath)
    large_count = count_queries(client, url(large_version) + subpath)

    assert small_count == large_count
    assert large_count <= 8
