from django import forms
from django.core.exceptions import ValidationError


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
