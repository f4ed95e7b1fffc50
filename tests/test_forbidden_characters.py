"""Every form of the project refuses a forbidden character in anything typed into it.

The forms are found, not listed: every subclass of Django's BaseForm defined in a module of
`kompas`, so a new form is covered the day it is written. Each of its inputs in turn gets a
value with a forbidden character (kompas.core.text) and must come back with that problem next
to it; a text area keeps its tabs and line breaks.
"""

import importlib
import pkgutil
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import ProhibitNullCharactersValidator

import kompas
from kompas.boards.models import Membership
from kompas.core.text import CODE, find_forbidden
from kompas.frameworks.models import FrameworkVersion

pytestmark = pytest.mark.django_db

BASES = "kompas.core.forms"
DJANGO_NULL_MESSAGE = str(ProhibitNullCharactersValidator.message)


def project_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(kompas.__path__, "kompas."):
        if not any(part in info.name for part in (".tests", ".migrations", "kompas.testing")):
            importlib.import_module(info.name)
    found: list[type[forms.BaseForm]] = []
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        form = pending.pop()
        pending += form.__subclasses__()
        # kompas.core.forms holds the base every form builds on, with no inputs of its own.
        module = form.__module__
        if module.startswith("kompas.") and ".tests" not in module and module != BASES:
            found.append(form)
    return sorted(set(found), key=lambda form: f"{form.__module__}.{form.__qualname__}")


# What a form needs beside its data, by class name; a form that needs more fails below.
EXTRA: dict[str, Any] = {
    "RoundForm": lambda world: {
        "versions": FrameworkVersion.objects.all(),
        "default_version": world.version,
    },
    "StartForm": lambda world: {
        "assessments": world.board.assessments.all(),
        "versions": FrameworkVersion.objects.all(),
        "default_version": world.version,
    },
    "ScoreForm": lambda world: {
        "score": world.score("GO.01"),
        "members": Membership.objects.filter(board=world.board),
    },
    "MeasureForm": lambda world: {
        "norms": world.version.norms.select_related("domain"),
        "members": Membership.objects.filter(board=world.board),
    },
    "IncidentForm": lambda world: {"norms": world.version.norms.select_related("domain")},
}
FORMS = project_forms()


def build(form_class: type[forms.BaseForm], world: Any, **kwargs: Any) -> forms.BaseForm:
    extra = EXTRA.get(form_class.__name__, lambda world: {})(world)
    try:
        return form_class(**kwargs, **extra)
    except TypeError as error:
        pytest.fail(f"{form_class.__qualname__} needs more to be built; add it to EXTRA: {error}")


def is_text_input(field: forms.Field) -> bool:
    # A tick box reads any value as true or false: nothing typed there is kept.
    return not isinstance(field.widget, forms.CheckboxInput)


def posted(form: forms.BaseForm, name: str, text: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Data and files that put `text` into the input `name` of `form`, and nothing else."""
    field = form.fields[name]
    html_name = form.add_prefix(name)
    if isinstance(field, forms.FileField):
        return {}, {html_name: SimpleUploadedFile(f"{text}.xlsx", b"PK")}
    if isinstance(field.widget, forms.MultiWidget):
        return {f"{html_name}_{index}": text for index in range(len(field.widget.widgets))}, {}
    if isinstance(field, forms.MultipleChoiceField):
        return {html_name: [text]}, {}
    return {html_name: text}, {}


def test_the_project_has_forms_to_check():
    names = {form.__name__ for form in FORMS}

    assert {"MeasureForm", "ScoreForm", "IncidentForm", "ThreatNormForm"} <= names
    assert set(EXTRA) <= names, "EXTRA names a form that no longer exists"


@pytest.mark.parametrize("text", ["Goed\x00fout", "Goed\x01fout", "Goed\x1bfout"])
@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__qualname__)
def test_every_input_of_every_form_refuses_a_forbidden_character(world, form_class, text):
    inputs = [
        name for name, field in build(form_class, world).fields.items() if is_text_input(field)
    ]
    expected = find_forbidden(text)
    assert expected is not None
    accepted = []
    for name in inputs:
        data, files = posted(build(form_class, world), name, text)
        form = build(form_class, world, data=data, files=files)

        valid = form.is_valid()

        errors = [str(error) for error in form.errors.get(name, [])]
        if valid or expected.message() not in errors or DJANGO_NULL_MESSAGE in errors:
            accepted.append(f"{name}: {list(errors)}")
    assert inputs, f"{form_class.__qualname__} has no input to check"
    assert accepted == []


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__qualname__)
def test_text_areas_keep_tabs_and_line_breaks(world, form_class):
    text = "Eerste regel\r\n\tingesprongen\nderde regel"
    empty = build(form_class, world)
    areas = [
        name for name, field in empty.fields.items() if isinstance(field.widget, forms.Textarea)
    ]
    refused = []
    for name in areas:
        form = build(form_class, world, data={empty.add_prefix(name): text})

        form.is_valid()

        if any(error.code == CODE for error in form.errors.as_data().get(name, [])):
            refused.append(name)
    assert refused == []
