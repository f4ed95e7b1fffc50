from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.roles import BoardRole

HOSTILE = ['=HYPERLINK("http://x","klik")', "+1+1", "-2+3", "@SUM(A1)", "<script>x</script>"]


def download(client, world):
    client.force_login(world.people[BoardRole.AUDITOR])
    response = client.get(
        reverse("assessments:export_xlsx", args=[world.board.pk, world.assessment.pk])
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(BytesIO(response.content))["Zelfevaluatie"]


def test_the_workbook_has_a_row_per_norm_with_readable_criteria_and_a_level_list(client, world):
    world.assessment.scores.filter(norm__code="GO.01").update(level=2, explanation="Concept")

    sheet = download(client, world)

    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == ["GO.01", "GO.02", "BC.03", "BV.01"]
    assert rows[0][3] == 2
    assert rows[0][7] == "Concept"
    assert rows[0][8] == "GO.01 op niveau 1."
    assert rows[0][12] == "GO.01 op niveau 5."
    lists = {validation.formula1 for validation in sheet.data_validations.dataValidation}
    assert '"1,2,3,4,5"' in lists
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, board_id=world.board.pk).exists()


def test_user_text_never_becomes_a_formula(client, world):
    for score, text in zip(
        world.assessment.scores.order_by("norm__position"), HOSTILE, strict=False
    ):
        world.assessment.scores.filter(pk=score.pk).update(explanation=text)

    sheet = download(client, world)

    cells = [sheet.cell(row=row, column=8) for row in range(2, 6)]
    assert [cell.value for cell in cells] == HOSTILE[:4]
    assert all(cell.data_type == "s" for cell in cells)
