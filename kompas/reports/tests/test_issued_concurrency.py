"""Several coordinators' clicks issuing the report for one meeting at once: one report is kept,
the others hear it was issued already, and nobody gets a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from kompas.audit.models import AuditEvent
from kompas.reports.models import IssuedReport
from kompas.testing import clock
from kompas.testing.concurrency import at_once, on_postgresql
from kompas.testing.world import COORD, ReportWorld

pytestmark = [pytest.mark.django_db(transaction=True), on_postgresql, clock.pinned]


def test_concurrent_issues_for_one_meeting_keep_one_and_refuse_the_others(settings, tmp_path):
    settings.EVIDENCE_ROOT = tmp_path / "evidence"
    world = ReportWorld()
    world.approve_2026_with_plan()
    url = reverse("reports:issue", args=[world.board.pk])

    def click():
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        client.force_login(world.people[COORD])
        response = client.post(
            url, {"meeting_date": "2026-12-03", "meeting_name": "Vergadering raad van toezicht"}
        )
        return response.status_code, response.content.decode()

    outcomes = at_once(click, times=4)

    statuses = sorted(status for status, _text in outcomes)
    assert statuses == [302, 400, 400, 400], outcomes
    refusals = [text for status, text in outcomes if status == 400]
    assert all(
        "A report was already issued for Vergadering raad van toezicht" in text for text in refusals
    )
    issued = IssuedReport.objects.get()
    files = [path for path in settings.EVIDENCE_ROOT.rglob("*") if path.is_file()]
    assert files == [settings.EVIDENCE_ROOT / issued.file.name]
    assert AuditEvent.objects.filter(object_type="reports.issuedreport").count() == 1
