"""The programme's page of sector incident counts."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from kompas.boards.access import sector_view
from kompas.boards.roles import SectorRole
from kompas.monitoring.incident_counts import cell_label, sector_incident_counts

FIRST_YEAR = 2024  # the first reporting year with IBP in the annual report


@login_required
@sector_view(SectorRole.PROGRAMME_ANALYST)
@require_safe
def incident_counts(request: HttpRequest) -> HttpResponse:
    """Per predefined cell, boards with a personal-data breach in a year; small cells suppressed."""
    this_year = timezone.localdate().year
    years = list(range(this_year, FIRST_YEAR - 1, -1))
    asked = request.GET.get("year", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else this_year
    counts = sector_incident_counts(year=year, k=settings.MONITORING_MIN_BOARDS)
    return render(
        request,
        "monitoring/incident_counts.html",
        {
            "counts": counts,
            "rows": [(cell_label(row.cell), row) for row in counts.cells],
            "years": years,
        },
    )
