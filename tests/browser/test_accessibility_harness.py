import pytest

pytestmark = pytest.mark.browser


def test_the_axe_check_fails_on_a_page_with_a_wcag_violation(page, assert_accessible):
    page.set_content('<html lang="nl"><body><main><img src="kaart.png"></main></body></html>')

    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)


def test_the_axe_check_passes_a_clean_page(page, assert_accessible):
    page.set_content(
        '<html lang="nl"><head><title>Proef</title></head>'
        '<body><main><h1>Proef</h1><img src="kaart.png" alt="Kaart"></main></body></html>'
    )

    assert_accessible(page)
