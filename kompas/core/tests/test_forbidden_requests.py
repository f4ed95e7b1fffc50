"""A forbidden character outside our forms answers a clear 400 page, never a 500.

ForbiddenCharactersMiddleware checks the path, the query string and the cookies of every
request and the body of a post to a view that is not ours (django-allauth here). The pages
that receive these requests would reach the database with the character: on PostgreSQL a NUL
makes that a 500. Run these on PostgreSQL too (docs/operations.md, "Text input").
"""

import pytest
from django.conf import settings
from django.urls import reverse

from kompas.boards.roles import BoardRole

pytestmark = pytest.mark.django_db
COORD = BoardRole.COORDINATOR


@pytest.fixture
def client(client):
    # A 500 must show as a 500 answer here, not as an exception raised in the test.
    client.raise_request_exception = False
    return client


def search_url(world):
    return reverse("frameworks:search", args=[world.version.framework.slug, world.version.version])


def test_a_nul_in_a_search_box_answers_400_with_the_problem(client, world, english):
    response = client.get(search_url(world), {"q": "back\x00up"})

    assert response.status_code == 400
    assert "Not accepted: an invisible character" in response.text
    assert (
        "In “q” in the web address: This text contains an invisible character that is not "
        "allowed: U+0000 (NUL) at position 5." in response.text
    )
    assert "Nothing was saved or changed." in response.text


def test_the_page_is_dutch_by_default(client, world):
    response = client.get(search_url(world), {"q": "back\x01up"})

    assert response.status_code == 400
    assert '<html lang="nl">' in response.text
    assert "In “q” in het webadres: Deze tekst bevat een onzichtbaar teken" in response.text


def test_the_same_search_without_it_works(client, world):
    response = client.get(search_url(world), {"q": "back-up"})

    assert response.status_code == 200


def test_a_nul_in_a_filter_of_a_signed_in_page_answers_400(client, world):
    client.force_login(world.people[COORD])

    response = client.get(reverse("boards:audit", args=[world.board.pk]), {"actor": "a\x00"})

    assert response.status_code == 400


def test_a_forbidden_character_in_the_name_of_a_parameter_is_refused(client, world):
    response = client.get(search_url(world) + "?q%1B=x")

    assert response.status_code == 400
    assert "In “q\N{REPLACEMENT CHARACTER}” in" in response.text


def test_a_nul_in_the_path_answers_400(client, world, english):
    response = client.get(f"/frameworks/{world.version.framework.slug}/1.0%00/")

    assert response.status_code == 400
    assert "In the web address: This text contains" in response.text


def test_a_nul_in_the_session_cookie_answers_400_and_removes_the_cookie(client, world):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefghijklmnop\x00q"

    refused = client.get(reverse("boards:mine"))
    after = client.get(reverse("boards:mine"))

    assert refused.status_code == 400
    assert refused.cookies[settings.SESSION_COOKIE_NAME].value == ""
    assert after.status_code == 302  # to sign in: the bad cookie is gone


def test_a_post_to_a_view_that_is_not_ours_is_checked_whole(client, world, english):
    response = client.post(
        reverse("account_login"),
        {"login": world.people[COORD].email, "password": "geheim\x00"},
    )

    assert response.status_code == 400
    assert "In the field “password”: This text contains" in response.text
    assert "_auth_user_id" not in client.session


def test_tabs_and_line_breaks_in_a_query_are_fine(client, world):
    response = client.get(search_url(world), {"q": "back\tup\r\n"})

    assert response.status_code == 200
