from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import QueryDict

from kompas.core.text import CODE, check_text, find_forbidden

# Django's own CharField refuses NUL with a message of its own; the mixin's message replaces it.
DJANGO_NULL_CODE = "null_characters_not_allowed"

_FormBase: Any = forms.BaseForm if TYPE_CHECKING else object


class TextCheckMixin(_FormBase):
    """Refuses a forbidden character (kompas.core.text) in anything a form receives.

    Every field's submitted value is checked as it was typed (text, each choice of a
    multiple choice, an uploaded file's name), whatever the field's type: the error shows
    beside the field and the form keeps what was typed, tabs and line breaks included.
    Every form of the project uses it (`Form`, or the mixin before a ModelForm); a test
    enumerates them.
    """

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound:
            return
        for name, field in self.fields.items():
            if field.disabled:
                continue
            problem = next(
                (
                    found
                    for text in _texts(self[name].data)
                    if (found := find_forbidden(text)) is not None
                ),
                None,
            )
            if problem is None:
                continue
            others = [
                error
                for error in (self.errors.pop(name).as_data() if name in self.errors else [])
                if error.code != DJANGO_NULL_CODE
            ]
            self.add_error(name, ValidationError(problem.message(), code=CODE))
            for error in others:
                self.add_error(name, error)


class Form(TextCheckMixin, forms.Form):
    """A form whose input is checked for forbidden characters; the project's forms use it."""


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, UploadedFile):
        return [value.name or ""]
    if isinstance(value, list | tuple):
        return [text for item in value for text in _texts(item)]
    return []


def posted_text(data: QueryDict, name: str) -> str:
    """A text a view reads straight from a post, without a form, refused as a form would.

    Raises a ValidationError on `name` for a forbidden character; the view shows it as it
    shows the service's own refusals.
    """
    text = data.get(name, "")
    check_text(text, field=name)
    return text


def add_validation_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on its field where it has one."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)


def error_text(error: Exception) -> str:
    """A refusal as one line for a flash message: a ValidationError's messages, or the error."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
