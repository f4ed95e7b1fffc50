import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.models import Group, GroupMembership, SectorAssignment
from kompas.boards.roles import BoardRole, SectorRole
from kompas.monitoring.regions import joint_demand
from kompas.monitoring.tests.snapshot_factories import Snapshots, withdraw
from kompas.testing.people import UserFactory

pytestmark = pytest.mark.django_db

# Below target unless 3 or more; None is not assessed.
LOW = {"GO.01": 1, "GO.02": 2, "BC.03": None, "BV.01": 2}
HIGH = {"GO.01": 4, "GO.02": 3, "BC.03": 3, "BV.01": 5}


class Region:
    """A group with its coordinator, and boards that join it and submit to one round."""

    def __init__(self):
        self.world = Snapshots()
        self.round = self.world.round()
        self.group = Group.objects.create(name="Regio Utrecht-West", description="Samen inkopen.")
        self.coordinator = UserFactory.create(email="regio@dvo.example.nl")
        SectorAssignment.objects.create(
            user=self.coordinator, role=SectorRole.REGIONAL_COORDINATOR, group=self.group
        )

    def member(self, name, *, shares=True, share_with=("region",), levels=LOW, **snapshot):
        board = self.world.board(name=name)
        GroupMembership.objects.create(group=self.group, board=board, shares_named_results=shares)
        submission = self.world.submit(
            board, self.round, share_with=set(share_with), levels=levels, **snapshot
        )
        return board, submission


@pytest.fixture
def region():
    return Region()


def sign_in(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"


def group_url(group):
    return reverse("monitoring:group", args=[group.pk])


def board_group_url(board, group):
    return reverse("monitoring:board_group", args=[board.pk, group.pk])


def members_shown(html):
    """The board names in the named-results table."""
    table = html.split('id="members-heading"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row">([^<]+)</th>', table)


def demand_shown(html):
    """(code, below, share) per row of the joint demand table."""
    table = html.split('id="demand-heading"')[1].split("</table>")[0]
    return re.findall(
        r"<code>([^<]+)</code>.*?<td class=\"numeric\">(\d+ of \d+)</td>\s*"
        r"<td class=\"numeric\">(\d+)%</td>",
        table,
        re.DOTALL,
    )


# Who is shown -----------------------------------------------------------------------------------


def test_the_coordinator_sees_the_named_results_of_sharing_consenting_members(client, region):
    region.member(
        "Deelt",
        mean_level="1.67",
        norms_at_target=0,
        has_approved_plan=False,
        open_gaps=4,
        overdue_measures=2,
        projection="off_track",
        quadrant="starter",
        domains={"GO": "1.5", "BC": "2.0"},
    )
    region.member("Deelt niet met de groep", shares=False)
    region.member("Geen regio-toestemming", share_with=("support", "inspectorate"))
    _board, withdrawn = region.member("Trok in")
    withdraw(withdrawn, "region")
    outsider = region.world.board(name="Buiten de groep")
    region.world.submit(outsider, region.round, share_with={"region"}, levels=LOW)
    sign_in(client, region.coordinator)

    page = client.get(group_url(region.group))

    assert page.status_code == 200
    assert members_shown(page.text) == ["Deelt"]
    for absent in ("Deelt niet met de groep", "Geen regio-toestemming", "Trok in", "Buiten"):
        assert absent not in page.text
    row = page.text.split('<th scope="row">Deelt</th>')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
    del cells[1]  # the date submitted
    assert cells == [
        "Meetronde 2025",
        "1.67",
        "0",
        "no",
        "4",
        "2",
        "Off track",
        "Starters: both still to build",
    ]
    assert '<abbr title="Bestuur">GO</abbr>' in page.text
    domain_row = page.text.split("per domain")[1].split('<th scope="row">Deelt</th>')[1]
    assert re.findall(r'<td class="numeric">([^<]*)</td>', domain_row.split("</tr>")[0]) == [
        "1.5",
        "2.0",
    ]


def test_only_the_latest_submission_counts(client, region):
    board, _older = region.member("Deelde vorig jaar")
    newer = region.world.round()
    region.world.submit(board, newer, share_with={"support"}, levels=LOW)
    sign_in(client, region.coordinator)

    page = client.get(group_url(region.group)).text

    assert members_shown(page) == []
    assert demand_shown(page) == []


def test_a_member_that_does_not_share_never_changes_the_joint_demand(client, region):
    region.member("Een", levels={**HIGH, "GO.01": 1})
    region.member("Twee", levels={**HIGH, "GO.01": 2, "GO.02": 1})
    region.member("Drie", levels=HIGH)
    sign_in(client, region.coordinator)
    before = client.get(group_url(region.group)).text

    # All below target on everything, in every way of not sharing.
    region.member("Deelt niet", shares=False, levels=LOW)
    region.member("Geen toestemming", share_with=("support",), levels=LOW)
    _board, submission = region.member("Trok in", levels=LOW)
    withdraw(submission, "region")
    outsider = region.world.board(name="Buiten")
    region.world.submit(outsider, region.round, share_with={"region"}, levels=LOW)
    after = client.get(group_url(region.group)).text

    assert demand_shown(before) == [("GO.01", "2 of 3", "67")]
    assert demand_shown(after) == demand_shown(before)
    assert members_shown(after) == members_shown(before) == ["Drie", "Een", "Twee"]


# Joint demand -----------------------------------------------------------------------------------


def test_joint_demand_counts_open_as_below_and_leaves_out_not_applicable(region):
    region.member("Een", levels={"GO.01": 1, "GO.02": 3, "BC.03": None, "BV.01": 1})
    region.member("Twee", levels={"GO.01": 2, "GO.02": 2, "BC.03": None, "BV.01": 3})
    region.member(
        "Drie",
        levels={"GO.01": 4, "GO.02": 1, "BC.03": 2, "BV.01": 3},
        not_applicable=("GO.01",),
    )
    region.member("Vier", levels={"GO.01": 3, "GO.02": 3, "BC.03": 1, "BV.01": 2})

    rows = joint_demand(group=region.group)

    # BC.03: all four below (two not assessed). GO.01: not applicable for Drie, so 2 of 3.
    # GO.02 and BV.01: two of four, not more than half.
    assert [(d.code, d.below, d.applicable, d.share) for d in rows] == [
        ("BC.03", 4, 4, 100),
        ("GO.01", 2, 3, 67),
    ]
    assert rows[0].title == "Offsite back-upopslag"


def test_joint_demand_is_one_query(region, django_assert_num_queries):
    for n in range(5):
        region.member(f"Lid {n}")

    with django_assert_num_queries(1):
        rows = joint_demand(group=region.group)

    assert {d.code for d in rows} == {"GO.01", "GO.02", "BC.03", "BV.01"}


def test_the_group_page_takes_the_same_queries_for_3_and_30_members(
    client, region, django_assert_num_queries
):
    def members(count, start):
        for n in range(start, start + count):
            region.member(f"Lid {n:02d}", levels=LOW if n % 2 else HIGH, domains={"GO": "2.0"})

    sign_in(client, region.coordinator)
    members(3, 0)
    with CaptureQueriesContext(connection) as three:
        assert len(members_shown(client.get(group_url(region.group)).text)) == 3
    members(27, 3)
    with django_assert_num_queries(len(three.captured_queries)):
        assert len(members_shown(client.get(group_url(region.group)).text)) == 30


# Who sees it ------------------------------------------------------------------------------------


def test_the_coordinator_s_view_is_recorded_on_the_platform_trail(client, region):
    region.member("Een")
    sign_in(client, region.coordinator)

    client.get(group_url(region.group))

    event = AuditEvent.objects.get(action=AuditAction.VIEW, actor_id=region.coordinator.pk)
    assert (event.chain, event.board_id) == ("platform", None)
    assert event.object_type == "boards.group"
    assert "Regio Utrecht-West" in event.object_repr


def test_a_coordinator_of_another_group_gets_404(client, region):
    region.member("Een")
    other = UserFactory.create()
    SectorAssignment.objects.create(
        user=other,
        role=SectorRole.REGIONAL_COORDINATOR,
        group=Group.objects.create(name="Regio Noord"),
    )
    sign_in(client, other)

    assert client.get(group_url(region.group)).status_code == 404
    assert client.get(reverse("monitoring:group", args=[99999])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_coordinator_lists_only_their_groups(client, region):
    Group.objects.create(name="Regio Zuid")
    region.member("Een")
    sign_in(client, region.coordinator)

    page = client.get(reverse("monitoring:groups")).text

    assert "Regio Utrecht-West" in page
    assert group_url(region.group) in page
    assert "Regio Zuid" not in page


def test_a_member_that_shares_sees_the_others(client, region):
    mine, _ = region.member("Mijn bestuur", share_with=())
    region.member("Ander bestuur")
    region.member("Zwijgt", shares=False)
    sign_in(client, region.world.member(mine, BoardRole.CONTRIBUTOR))

    page = client.get(board_group_url(mine, region.group))

    assert page.status_code == 200
    assert members_shown(page.text) == ["Ander bestuur"]
    assert "Your own board is not shown here" in page.text
    assert "joint procurement or hiring" in page.text
    assert "Zwijgt" not in page.text


def test_a_member_that_does_not_share_is_told_to_opt_in_and_sees_nothing(client, region):
    mine, _ = region.member("Mijn bestuur", shares=False)
    region.member("Ander bestuur")
    sign_in(client, region.world.member(mine, BoardRole.EXECUTIVE))

    page = client.get(board_group_url(mine, region.group))

    assert page.status_code == 200
    assert "must first choose to share its results with the group" in page.text
    assert "Ander bestuur" not in page.text
    assert "demand-heading" not in page.text


def test_a_board_outside_the_group_gets_404(client, region):
    region.member("Ander bestuur")
    outsider = region.world.board(name="Buiten")
    sign_in(client, region.world.member(outsider, BoardRole.EXECUTIVE))

    assert client.get(board_group_url(outsider, region.group)).status_code == 404


def test_the_board_s_groups_page_links_to_the_results(client, region):
    mine, _ = region.member("Mijn bestuur")
    sign_in(client, region.world.member(mine, BoardRole.COORDINATOR))

    page = client.get(reverse("boards:groups", args=[mine.pk])).text

    assert board_group_url(mine, region.group) in page
