import re

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_it_serves_dutch_by_default_even_to_an_english_browser(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert response.status_code == 200
    assert '<html lang="nl">' in response.text
    assert "Direct naar de inhoud" in response.text
    assert response["Content-Language"] == "nl"


@pytest.mark.django_db
def test_the_language_switch_changes_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/frameworks/"})

    assert response.status_code == 302
    assert response["Location"] == "/frameworks/"
    english = client.get("/frameworks/")
    assert '<html lang="en">' in english.text
    assert "Skip to main content" in english.text

    client.post(reverse("set_language"), {"language": "nl", "next": "/"})
    assert '<html lang="nl">' in client.get("/").text


@pytest.mark.django_db
def test_an_unknown_language_cookie_falls_back_to_dutch(client):
    client.cookies["django_language"] = "xx"

    assert '<html lang="nl">' in client.get("/").text


@pytest.mark.django_db
def test_the_layout_has_a_skip_link_landmarks_and_navigation(client):
    html = client.get("/").text

    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert "<header" in html
    assert "<footer" in html
    assert re.search(r'<nav[^>]+aria-label="Hoofdnavigatie"', html)


@pytest.mark.django_db
def test_the_content_security_policy_forbids_inline_script(client):
    response = client.get("/")

    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy


@pytest.mark.django_db
def test_pages_load_htmx_from_the_installed_package_and_carry_no_inline_script(client):
    html = client.get("/").text

    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    assert scripts, "htmx should be on the page"
    for attributes, body in scripts:
        assert 'src="/static/' in attributes
        assert body.strip() == ""
    assert "htmx" in scripts[0][0]
    assert "//" not in scripts[0][0].split('src="')[1].split('"')[0].removeprefix("/static/")


@pytest.mark.django_db
def test_a_missing_page_answers_404_in_the_layout(client):
    response = client.get("/bestaat-niet/")

    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.text
    assert 'href="#main"' in response.text
