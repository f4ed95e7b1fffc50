"""Request middleware: the interface language, and refusing forbidden characters."""

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from kompas.core.text import FORBIDDEN, ForbiddenCharacter, find_forbidden

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class LanguageMiddleware:
    """Activate the language from the language cookie, else the default (Dutch).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language header on
    purpose: the product is Dutch by default and English only on request.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ForbiddenCharactersMiddleware:
    """Answer 400, naming what and where, to a request with a forbidden character.

    It checks what no form of ours sees: the path, the query string (search boxes, filters) and
    the cookies of every request, and the whole body of a post to a view that is not ours
    (django-allauth, the admin). A post to one of our views is left to its forms, which show
    the problem beside the field and keep what was typed (`TextCheckMixin`), and to
    `kompas.core.forms.posted_text` for a text read without a form; tests/test_post_reads.py
    keeps every direct read of a post in our views listed. It runs before sessions are read,
    so that a bad cookie never reaches the database; the refusal deletes that cookie, so the
    next request works.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookies = _located(request.COOKIES.items())
        problems = [
            *_said(_("In the web address: %(problem)s"), _located([("", request.path)])),
            *_said(
                _("In “%(name)s” in the web address: %(problem)s"), _located(_pairs(request.GET))
            ),
            *_said(_("In the cookie “%(name)s”: %(problem)s"), cookies),
        ]
        if problems:
            response = _refuse(request, problems)
            for name, _problem in cookies:
                response.delete_cookie(name)
            return response
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if request.method in SAFE_METHODS or view_func.__module__.startswith("kompas."):
            return None
        # Uploaded files need no check: Django's parser drops what does not print from names.
        problems = _said(_("In the field “%(name)s”: %(problem)s"), _located(_pairs(request.POST)))
        return _refuse(request, problems) if problems else None


def _pairs(data: Any) -> list[tuple[str, str]]:
    return [(name, value) for name, values in data.lists() for value in values]


def _located(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, ForbiddenCharacter]]:
    """The (name, value) pairs whose name or value holds a forbidden character, and which."""
    found = []
    for name, value in pairs:
        problem = find_forbidden(name) or find_forbidden(value)
        if problem is not None:
            found.append((name, problem))
    return found


def _said(template: str, found: list[tuple[str, ForbiddenCharacter]]) -> list[str]:
    return [
        template
        % {
            "name": FORBIDDEN.sub("\N{REPLACEMENT CHARACTER}", name),
            "problem": problem.message(),
        }
        for name, problem in found
    ]


def _refuse(request: HttpRequest, problems: list[str]) -> HttpResponse:
    # Django's request log records the 400 with its path, as it does every refused request.
    return render(request, "core/refused_input.html", {"problems": problems}, status=400)
