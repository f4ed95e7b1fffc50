"""Importing a filled-in workbook: a preview of exactly what changes, then all of it or nothing."""

import zipfile
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from kompas.assessments import services, views
from kompas.assessments.models import AssessmentStatus, NormScore
from kompas.audit.models import AuditAction, AuditEvent
from kompas.boards.roles import BoardRole

LEVEL, TARGET, NOT_APPLICABLE, REASON, EXPLANATION = 4, 5, 6, 7, 8


def snapshot(world):
    return {
        score.norm.code: (
            score.level,
            score.target_level,
            score.not_applicable,
            score.not_applicable_reason,
            score.explanation,
            score.revision,
        )
        for score in NormScore.objects.filter(assessment=world.assessment).select_related("norm")
    }


def exported(client, world):
    client.force_login(world.people[BoardRole.COORDINATOR])
    url = reverse("assessments:export_xlsx", args=[world.board.pk, world.assessment.pk])
    return load_workbook(BytesIO(client.get(url).content))


def row_of(sheet, code):
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row, 1).value == code)


def as_upload(book):
    output = BytesIO()
    book.save(output)
    return output.getvalue()


def upload(client, world, content, name="zelfevaluatie.xlsx"):
    client.force_login(world.people[BoardRole.COORDINATOR])
    return client.post(
        reverse("assessments:import_xlsx", args=[world.board.pk, world.assessment.pk]),
        {"workbook": SimpleUploadedFile(name, content)},
    )


def confirm(client, world, plan):
    return client.post(
        reverse("assessments:import_xlsx_confirm", args=[world.board.pk, world.assessment.pk]),
        {"plan": plan},
        follow=True,
    )


def texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_a_round_trip_applies_exactly_the_cells_that_were_changed(client, world):
    before = snapshot(world)
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    sheet.cell(row_of(sheet, "GO.01"), LEVEL).value = 4
    sheet.cell(row_of(sheet, "GO.02"), TARGET).value = "4"
    sheet.cell(row_of(sheet, "BC.03"), EXPLANATION).value = "Back-ups getest in maart."
    sheet.cell(row_of(sheet, "BV.01"), NOT_APPLICABLE).value = "ja"
    sheet.cell(row_of(sheet, "BV.01"), REASON).value = "Wij hebben geen eigen servers."

    preview = upload(client, world, as_upload(book))

    assert preview.status_code == 200
    changes = preview.context["preview"].changes
    assert {(item.code, field.label) for item in changes for field in item.fields} == {
        ("GO.01", "Huidig niveau"),
        ("GO.02", "Streefniveau"),
        ("BC.03", "Toelichting"),
        ("BV.01", "Niet van toepassing"),
        ("BV.01", "Waarom niet van toepassing"),
    }
    assert snapshot(world) == before, "the preview saves nothing"

    response = confirm(client, world, preview.context["plan"])

    assert "4 normen bijgewerkt uit de werkmap." in texts(response)
    after = snapshot(world)
    assert after["GO.01"] == (4, 3, False, "", "", 1)
    assert after["GO.02"] == (None, 4, False, "", "", 1)
    assert after["BC.03"] == (None, 3, False, "", "Back-ups getest in maart.", 1)
    assert after["BV.01"] == (None, 3, True, "Wij hebben geen eigen servers.", "", 1)
    updates = AuditEvent.objects.filter(board_id=world.board.pk, action=AuditAction.UPDATE)
    assert updates.count() == 4


def test_an_unchanged_workbook_has_nothing_to_import(client, world):
    score = world.score("GO.01")
    NormScore.objects.filter(pk=score.pk).update(explanation="regel een\r\nregel twee")

    response = upload(client, world, as_upload(exported(client, world)))

    assert response.context["preview"].changes == []
    assert response.context["plan"] == ""
    assert "er is niets te importeren" in response.content.decode()


def test_every_bad_row_is_reported_and_nothing_is_applied(client, world):
    before = snapshot(world)
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    sheet.cell(row_of(sheet, "GO.01"), LEVEL).value = 7
    sheet.cell(row_of(sheet, "GO.02"), TARGET).value = 2
    sheet.cell(row_of(sheet, "BC.03"), NOT_APPLICABLE).value = "ja"
    sheet.cell(row_of(sheet, "BV.01"), LEVEL).value = "drie"
    sheet.append(["XX.99", "", "", 3, 3, "nee"])
    sheet.append(["GO.01", "", "", 3, 3, "nee"])
    sheet.append(["", "", "", 2, 3, "nee"])

    response = upload(client, world, as_upload(book))

    assert response.status_code == 400
    problems = {(p.row, p.code): p.message for p in response.context["preview"].problems}
    assert problems == {
        (2, "GO.01"): "Het huidige niveau “7” is geen heel getal van 1 tot en met 5.",
        (3, "GO.02"): "Het streefniveau is minstens 3.",
        (4, "BC.03"): "Licht toe waarom deze norm niet van toepassing is.",
        (5, "BV.01"): "Het huidige niveau “drie” is geen heel getal van 1 tot en met 5.",
        (6, "XX.99"): "“XX.99” is geen norm van deze zelfevaluatie.",
        (7, "GO.01"): "De norm staat er twee keer in, ook op rij 2.",
        (8, ""): "De rij heeft geen normcode.",
    }
    assert response.context["plan"] == ""
    assert 'name="plan"' not in response.content.decode()
    assert snapshot(world) == before


def test_not_applicable_with_a_level_is_refused_for_that_row(client, world):
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    row = row_of(sheet, "GO.01")
    sheet.cell(row, LEVEL).value = 2
    sheet.cell(row, NOT_APPLICABLE).value = "ja"
    sheet.cell(row, REASON).value = "Geen eigen netwerk."
    sheet.cell(row_of(sheet, "GO.02"), NOT_APPLICABLE).value = "misschien"

    response = upload(client, world, as_upload(book))

    messages = [problem.message for problem in response.context["preview"].problems]
    assert messages == [
        "Een norm die niet van toepassing is, heeft geen niveau.",
        "“Niet van toepassing” is “misschien”; schrijf ja of nee.",
    ]


UNSAFE = (
    "De werkmap pakt uit tot veel meer gegevens dan hij bevat; hij wordt als onveilig geweigerd."
)


def zip_of(members):
    output = BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return output.getvalue()


ENTITY_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
    b"</sheetData></worksheet>"
)


def with_member(content, name, data):
    """The workbook's zip with one member replaced."""
    source = zipfile.ZipFile(BytesIO(content))
    return zip_of({member: source.read(member) for member in source.namelist()} | {name: data})


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda book: b"Code;Niveau\nGO.01;3\n", "Dit is geen Excel-werkmap (.xlsx)."),
        (
            lambda book: zip_of({"readme.txt": b"geen werkmap"}),
            "Het bestand kon niet als Excel-werkmap worden gelezen.",
        ),
        (lambda book: zip_of({"xl/big.xml": b"0" * (25 * 1024 * 1024)}), UNSAFE),
        (lambda book: with_member(as_upload(book), "xl/pad.xml", b"0" * (3 * 1024 * 1024)), UNSAFE),
        (
            lambda book: with_member(as_upload(book), "xl/worksheets/sheet1.xml", ENTITY_BOMB),
            "Het bestand kon niet als Excel-werkmap worden gelezen.",
        ),
    ],
    ids=["csv", "zip-without-workbook", "zip-bomb", "zip-bomb-by-ratio", "xml-entities"],
)
def test_a_file_that_is_not_a_safe_workbook_is_refused_cleanly(client, world, make_file, message):
    before = snapshot(world)
    book = exported(client, world)

    response = upload(client, world, make_file(book))

    assert response.status_code == 400
    assert response.context["form"].errors["workbook"] == [message]
    assert snapshot(world) == before


def test_a_workbook_over_the_size_limit_is_refused_before_it_is_read(client, world, settings):
    settings.EXCEL_IMPORT_MAX_BYTES = 1000
    content = as_upload(exported(client, world))

    response = upload(client, world, content)

    assert response.context["form"].errors["workbook"] == [
        "Het bestand is groter dan 1000\xa0bytes."
    ]


def test_a_workbook_without_the_columns_is_refused(client, world):
    book = exported(client, world)
    book["Zelfevaluatie"].cell(1, LEVEL).value = "Niveau"

    response = upload(client, world, as_upload(book))

    assert response.context["form"].errors["workbook"] == [
        "De eerste rij mist de kolommen “Huidig niveau (1-5)”. Begin met een gedownloade werkmap."
    ]


def changed_level_preview(client, world, code="GO.01", level=2):
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    sheet.cell(row_of(sheet, code), LEVEL).value = level
    return upload(client, world, as_upload(book)).context["plan"]


def test_a_norm_saved_by_a_colleague_after_the_preview_stops_the_whole_import(client, world):
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    sheet.cell(row_of(sheet, "GO.01"), LEVEL).value = 2
    sheet.cell(row_of(sheet, "GO.02"), LEVEL).value = 2
    plan = upload(client, world, as_upload(book)).context["plan"]
    services.score_update(
        access=world.access(BoardRole.CONTRIBUTOR),
        actor=world.people[BoardRole.CONTRIBUTOR],
        score=world.score("GO.02"),
        revision=0,
        change=services.ScoreChange(
            level=5,
            target_level=3,
            not_applicable=False,
            not_applicable_reason="",
            explanation="",
            assignee_id=None,
        ),
    )
    before = snapshot(world)

    response = confirm(client, world, plan)

    assert snapshot(world) == before
    assert before["GO.01"][0] is None
    assert before["GO.02"][0] == 5
    assert any("collega's hebben GO.02 gewijzigd" in text for text in texts(response))


def test_an_altered_or_expired_preview_is_refused(client, world, monkeypatch):
    plan = changed_level_preview(client, world)
    before = snapshot(world)

    altered = confirm(client, world, plan[:-2] + "xx")
    monkeypatch.setattr(views, "IMPORT_VALID_SECONDS", -1)
    expired = confirm(client, world, plan)

    for response in (altered, expired):
        assert texts(response) == [
            "De voorvertoning is verlopen of gewijzigd; upload het bestand opnieuw."
        ]
    assert snapshot(world) == before


def test_a_preview_cannot_be_confirmed_by_someone_else(client, world):
    plan = changed_level_preview(client, world)
    client.force_login(world.people[BoardRole.CONTRIBUTOR])

    response = confirm(client, world, plan)

    assert texts(response) == ["Die voorvertoning hoort bij een andere zelfevaluatie of persoon."]
    assert world.score("GO.01").level is None


def test_a_preview_cannot_be_applied_once_the_evaluation_is_submitted(client, world):
    plan = changed_level_preview(client, world)
    world.assessment.status = AssessmentStatus.SUBMITTED
    world.assessment.save()

    response = confirm(client, world, plan)
    again = client.get(
        reverse("assessments:import_xlsx", args=[world.board.pk, world.assessment.pk]),
        follow=True,
    )

    assert world.score("GO.01").level is None
    assert texts(response) == ["Deze zelfevaluatie is ingediend of goedgekeurd."]
    assert texts(again) == ["Deze zelfevaluatie is ingediend of goedgekeurd."]


def test_openpyxl_parses_workbooks_with_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def test_a_formula_is_a_problem_of_its_row_and_never_clears_a_level(client, world):
    NormScore.objects.filter(assessment=world.assessment, norm__code="GO.01").update(level=2)
    before = snapshot(world)
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    # openpyxl stores "=..." as a formula without a cached result, as some programs do.
    sheet.cell(row_of(sheet, "GO.01"), LEVEL).value = "=1+2"
    sheet.cell(row_of(sheet, "BC.03"), EXPLANATION).value = '=HYPERLINK("http://x")'
    sheet.cell(row_of(sheet, "GO.02"), LEVEL).value = 3

    response = upload(client, world, as_upload(book))

    assert response.status_code == 400
    problems = {(p.row, p.code): p.message for p in response.context["preview"].problems}
    assert problems == {
        (row_of(sheet, "GO.01"), "GO.01"): (
            "De rij heeft een formule in “Huidig niveau (1-5)”; formules worden niet gelezen. "
            "Typ de waarde zelf in."
        ),
        (row_of(sheet, "BC.03"), "BC.03"): (
            "De rij heeft een formule in “Toelichting”; formules worden niet gelezen. "
            "Typ de waarde zelf in."
        ),
    }
    assert 'name="plan"' not in response.content.decode()
    assert snapshot(world) == before


def test_text_that_starts_with_an_equals_sign_is_text_not_a_formula(client, world):
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    cell = sheet.cell(row_of(sheet, "GO.01"), EXPLANATION)
    cell.value = "=kosten volgen in het budget"
    cell.data_type = "s"

    response = upload(client, world, as_upload(book))

    assert response.status_code == 200
    (change,) = response.context["preview"].changes
    assert change.planned.change.explanation == "=kosten volgen in het budget"


MACROS = (
    "Deze werkmap bevat macro's (.xlsm), die code kunnen uitvoeren; hij wordt geweigerd. Sla "
    "hem op als gewone Excel-werkmap (.xlsx) en importeer die."
)


def macro_content_types(content):
    types = zipfile.ZipFile(BytesIO(content)).read("[Content_Types].xml")
    return types.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )


@pytest.mark.parametrize(
    "make_file",
    [
        lambda content: with_member(content, "xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro"),
        lambda content: with_member(content, "[Content_Types].xml", macro_content_types(content)),
    ],
    ids=["vba-project", "macro-enabled-content-type"],
)
def test_a_macro_enabled_workbook_is_refused_as_a_file(client, world, make_file):
    before = snapshot(world)
    content = as_upload(exported(client, world))

    response = upload(client, world, make_file(content), name="zelfevaluatie.xlsm")

    assert response.status_code == 400
    assert response.context["form"].errors["workbook"] == [MACROS]
    assert snapshot(world) == before


def test_a_control_character_excel_wrote_in_a_cell_is_a_problem_of_its_row(client, world):
    # Excel writes a character XML cannot hold as _xHHHH_; openpyxl writes these text cells as
    # they are, which is exactly what Excel writes for a cell holding U+000B and U+0000.
    before = snapshot(world)
    book = exported(client, world)
    sheet = book["Zelfevaluatie"]
    sheet.cell(row_of(sheet, "GO.01"), EXPLANATION).value = "Eerste regel_x000B_tweede regel"
    sheet.cell(row_of(sheet, "BC.03"), REASON).value = "Geen_x0000_"
    sheet.cell(row_of(sheet, "GO.02"), LEVEL).value = 4

    response = upload(client, world, as_upload(book))

    problems = {(p.row, p.code): p.message for p in response.context["preview"].problems}
    assert problems == {
        (row_of(sheet, "GO.01"), "GO.01"): (
            "In “Toelichting”: Deze tekst bevat een onzichtbaar teken dat niet is toegestaan: "
            "U+000B (VT) op positie 13. Haal het weg (dat stuk opnieuw typen is genoeg) en "
            "probeer het opnieuw."
        ),
        (row_of(sheet, "BC.03"), "BC.03"): (
            "In “Reden niet van toepassing”: Deze tekst bevat een onzichtbaar teken dat niet is "
            "toegestaan: U+0000 (NUL) op positie 5. Haal het weg (dat stuk opnieuw typen is "
            "genoeg) en probeer het opnieuw."
        ),
    }
    assert response.context["plan"] == ""
    assert snapshot(world) == before


def test_a_control_character_in_the_sheet_itself_refuses_the_file(client, world):
    before = snapshot(world)
    content = as_upload(exported(client, world))
    sheet_xml = zipfile.ZipFile(BytesIO(content)).read("xl/worksheets/sheet1.xml")
    assert b"GO.01" in sheet_xml
    broken = with_member(
        content, "xl/worksheets/sheet1.xml", sheet_xml.replace(b"GO.01", b"GO\x01.01")
    )

    response = upload(client, world, broken)

    assert response.status_code == 400
    assert response.context["form"].errors["workbook"] == [
        "Het bestand kon niet als Excel-werkmap worden gelezen."
    ]
    assert snapshot(world) == before
