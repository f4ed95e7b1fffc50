"""The programme's page of sector incident counts, as published in the rounds' releases."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from kompas.boards.access import sector_view
from kompas.boards.roles import SectorRole
from kompas.monitoring.dashboard import cell_label
from kompas.monitoring.incident_counts import released_rounds, sector_incident_counts


@login_required
@sector_view(SectorRole.PROGRAMME_ANALYST)
@require_safe
def incident_counts(request: HttpRequest) -> HttpResponse:
    """Per predefined cell of a round's release, boards with a breach in the year before."""
    rounds = released_rounds()
    asked = request.GET.get("round", "")
    chosen = next((found for found in rounds if str(found.pk) == asked), None)
    if chosen is None and rounds:
        chosen = rounds[0]
    counts = sector_incident_counts(round_=chosen) if chosen else None
    return render(
        request,
        "monitoring/incident_counts.html",
        {
            "counts": counts,
            "rounds": rounds,
            "rows": [(cell_label(row.cell), row) for row in counts.cells] if counts else [],
        },
    )
