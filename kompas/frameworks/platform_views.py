"""The platform admin's framework catalogue: what is installed, and importing from a page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kompas.accounts.http import AuthenticatedHttpRequest
from kompas.boards.access import sector_view
from kompas.boards.roles import SectorRole
from kompas.frameworks.forms import CatalogueUploadForm
from kompas.frameworks.models import FrameworkVersion, Mapping
from kompas.frameworks.uploads import (
    FRAMEWORK,
    REFUSALS,
    Checked,
    UploadRefused,
    refusal,
    too_large,
    upload_check,
    upload_confirm,
)

admin_only = sector_view(SectorRole.PLATFORM_ADMIN)


def _render(
    request: AuthenticatedHttpRequest,
    form: CatalogueUploadForm,
    checked: Checked | None = None,
    status: int = 200,
) -> HttpResponse:
    versions = (
        FrameworkVersion.objects.select_related("framework")
        .annotate(norm_count=Count("norms"))
        .order_by("framework__name", "-imported_at", "-pk")
    )
    mappings = Mapping.objects.select_related("source__framework", "target__framework").order_by(
        "-imported_at", "-pk"
    )
    context = {"form": form, "checked": checked, "versions": versions, "mappings": mappings}
    return render(request, "frameworks/platform/catalogue.html", context, status=status)


@login_required
@admin_only
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Installed versions and mappings; an uploaded file is checked and previewed, not written."""
    form = CatalogueUploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST":
        return _render(request, form)
    if not form.is_valid():
        return _render(request, form, status=400)
    upload = form.cleaned_data["document"]
    if upload.size > settings.FRAMEWORK_IMPORT_MAX_BYTES:
        checked = too_large(filename=upload.name, size=upload.size)  # refused before it is read
    else:
        checked = upload_check(actor=request.user, filename=upload.name, data=upload.read())
    status = 400 if checked.problems else 200
    return _render(request, CatalogueUploadForm(), checked, status=status)


@login_required
@admin_only
@require_POST
def confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Import exactly the previewed file; a used, stale or altered ticket imports nothing."""
    try:
        imported = upload_confirm(actor=request.user, ticket=request.POST.get("ticket", ""))
    except UploadRefused as refused:
        messages.error(request, str(refused))
        return redirect("platform_frameworks:index")
    except REFUSALS as error:
        filename = getattr(error, "filename", "")
        return _render(request, CatalogueUploadForm(), refusal(filename, "", error), status=400)
    if not imported.created:
        messages.info(
            request,
            _("%(name)s is already installed with identical content; nothing changed.")
            % {"name": imported.label},
        )
    elif imported.kind == FRAMEWORK:
        messages.success(
            request, _("Framework version %(name)s imported.") % {"name": imported.label}
        )
    else:
        messages.success(request, _("Mapping %(name)s imported.") % {"name": imported.label})
    return redirect("platform_frameworks:index")
