import pytest

from kompas.testing.people import UserFactory


@pytest.fixture
def admin_client(client, db):
    admin = UserFactory.create(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_the_admin_lists_norms_but_cannot_change_or_delete_them(admin_client, small_version):
    norm = small_version.norms.get(code="GO.01")

    listing = admin_client.get("/admin/frameworks/norm/")
    detail = admin_client.get(f"/admin/frameworks/norm/{norm.pk}/change/")
    post = admin_client.post(f"/admin/frameworks/norm/{norm.pk}/change/", {"title": "Anders"})
    delete = admin_client.post(f"/admin/frameworks/norm/{norm.pk}/delete/", {"post": "yes"})

    assert listing.status_code == 200
    assert "GO.01" in listing.text
    assert detail.status_code == 200
    assert post.status_code == 403
    assert delete.status_code == 403
    norm.refresh_from_db()
    assert norm.title == "Strategie informatiebeveiliging"
    assert admin_client.get("/admin/frameworks/norm/add/").status_code == 403
