"""Demo incidents: a handful per demo board, in our own words, without any real personal data.

Times are relative to the moment the demo is loaded, so that the breach whose AP decision is
due (aware about 30 hours ago) shows a running 72-hour clock right after `make setup`.
Idempotent: a board that has incidents gets none added.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kompas.accounts.models import User
from kompas.boards.models import Board
from kompas.boards.roles import BoardRole
from kompas.incidents.models import (
    Incident,
    IncidentKind,
    IncidentStatus,
    NotifyDecision,
    Risk,
    SubjectsInformed,
)
from kompas.incidents.selectors import linkable_norms

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DemoIncident:
    aware_ago: datetime.timedelta
    title: str
    kind: str
    description: str
    reporter: str
    occurred_before: datetime.timedelta | None = None  # before awareness; None: not known
    data_kinds: tuple[str, ...] = ()
    subjects: dict[str, int] = field(default_factory=dict)
    consequences: str = ""
    risk: str = Risk.NOT_ASSESSED
    measures_taken: str = ""
    # Decision: notified (hours after awareness, reference) or not notified (reason).
    notified_after: datetime.timedelta | None = None
    reference: str = ""
    not_notified_reason: str = ""
    subjects_informed: str = SubjectsInformed.UNDECIDED
    school_cert_reference: str = ""
    norms: tuple[str, ...] = ()
    lessons: str = ""
    status: str = IncidentStatus.OPEN


SCHOLEN = (
    DemoIncident(
        aware_ago=150 * DAY,
        title="USB-stick met rapportgegevens van groep 8 kwijtgeraakt",
        kind=IncidentKind.BREACH,
        occurred_before=2 * DAY,
        description=(
            "Een leerkracht nam de rapportgegevens van groep 8 op een onversleutelde USB-stick "
            "mee naar huis om thuis verder te werken. De stick is onderweg verloren gegaan en "
            "niet teruggevonden."
        ),
        reporter=BoardRole.CONTRIBUTOR,
        data_kinds=("contact", "pupil_records"),
        subjects={"pupils": 31},
        consequences=(
            "Onbevoegden kunnen cijfers en opmerkingen over leerlingen inzien. Schaamte en "
            "mogelijk misbruik van de gegevens."
        ),
        risk=Risk.RISK,
        measures_taken=(
            "Melding bij de gevonden voorwerpen van de gemeente. Alle leerkrachten opnieuw "
            "gewezen op het verbod op losse gegevensdragers."
        ),
        notified_after=40 * HOUR,
        reference="DEMO-AP-0117",
        subjects_informed=SubjectsInformed.INFORMED,
        norms=("DM.03", "BV.01"),
        lessons=(
            "Geen leerlinggegevens meer op losse USB-sticks: rapporten alleen in de beveiligde "
            "omgeving van het leerlingvolgsysteem.\nUSB-poorten op schoollaptops standaard "
            "alleen-lezen."
        ),
        status=IncidentStatus.CLOSED,
    ),
    DemoIncident(
        aware_ago=62 * DAY,
        title="Herhaalde inlogpogingen op het beheeraccount van het schoolnetwerk",
        kind=IncidentKind.SECURITY,
        occurred_before=6 * HOUR,
        description=(
            "De ICT-leverancier zag 's nachts duizenden mislukte inlogpogingen op het "
            "beheeraccount van het netwerk, vanaf buitenlandse adressen. Er is niet ingelogd."
        ),
        reporter=BoardRole.CONTRIBUTOR,
        risk=Risk.NO_RISK,
        measures_taken=(
            "Beheerportaal alleen nog bereikbaar via de vpn, tweestapsverificatie op alle "
            "beheeraccounts, School-CERT gevraagd mee te kijken naar de logbestanden."
        ),
        school_cert_reference="DEMO-SC-0042",
        norms=("ID.03", "SM.02", "SM.04"),
        lessons="Beheerinterfaces nooit rechtstreeks vanaf internet bereikbaar maken.",
        status=IncidentStatus.CLOSED,
    ),
    DemoIncident(
        aware_ago=21 * DAY,
        title="Nieuwsbrief met groepsindeling naar de verkeerde oudergroep gestuurd",
        kind=IncidentKind.BREACH,
        occurred_before=HOUR,
        description=(
            "De nieuwsbrief van groep 5 met de groepsindeling voor volgend schooljaar is per "
            "vergissing ook naar de ouders van groep 6 gestuurd."
        ),
        reporter=BoardRole.COORDINATOR,
        data_kinds=("contact",),
        subjects={"pupils": 27},
        consequences="Ouders van een andere groep zagen voornamen en de nieuwe groepsindeling.",
        risk=Risk.NO_RISK,
        measures_taken="De ontvangers is gevraagd de e-mail te verwijderen; niemand reageerde.",
        not_notified_reason=(
            "Alleen voornamen en groepsindeling, gedeeld met ouders van dezelfde school; geen "
            "gevoelige gegevens. Naar verwachting geen risico voor de leerlingen."
        ),
        subjects_informed=SubjectsInformed.NOT_REQUIRED,
        norms=("SM.05",),
        status=IncidentStatus.CLOSED,
    ),
    DemoIncident(
        aware_ago=30 * HOUR,
        title="Phishing: e-mailaccount van een leerkracht overgenomen",
        kind=IncidentKind.BREACH,
        occurred_before=9 * HOUR,
        description=(
            "Een leerkracht vulde haar wachtwoord in op een nagemaakte inlogpagina. Daarna "
            "stuurde het account phishingmails naar ouders en was de mailbox een nacht lang "
            "toegankelijk voor de aanvaller, met daarin berichten over leerlingen."
        ),
        reporter=BoardRole.CONTRIBUTOR,
        data_kinds=("contact", "pupil_records", "care"),
        subjects={"pupils": 28, "parents": 50},
        consequences=(
            "De aanvaller kan berichten over leerlingen, waaronder zorgsignalen, hebben "
            "gelezen. Ouders kregen een phishingmail van een vertrouwd adres."
        ),
        risk=Risk.RISK,
        measures_taken=(
            "Wachtwoord vervangen, alle sessies beëindigd, doorstuurregel in de mailbox "
            "verwijderd, tweestapsverificatie aangezet. Ouders gewaarschuwd voor de nepmail."
        ),
        norms=("SM.02", "PB.02"),
    ),
)

COLLEGE = (
    DemoIncident(
        aware_ago=95 * DAY,
        title="Phishingcampagne op personeelsmailboxen",
        kind=IncidentKind.SECURITY,
        description=(
            "Ruim tweehonderd medewerkers kregen een mail die leek te komen van de "
            "salarisadministratie. Vier medewerkers klikten op de link; niemand vulde gegevens in."
        ),
        reporter=BoardRole.CONTRIBUTOR,
        risk=Risk.NO_RISK,
        measures_taken=(
            "Afzender geblokkeerd, mail uit alle mailboxen verwijderd, waarschuwing op intranet."
        ),
        norms=("PB.02", "SM.05"),
        lessons="Twee keer per jaar een oefening met nepphishing voor al het personeel.",
        status=IncidentStatus.CLOSED,
    ),
    DemoIncident(
        aware_ago=40 * DAY,
        title="Cijferoverzicht in de leeromgeving zichtbaar voor alle leerlingen van het leerjaar",
        kind=IncidentKind.BREACH,
        occurred_before=3 * DAY,
        description=(
            "Na een wijziging in de rechten van de elektronische leeromgeving konden leerlingen "
            "van havo 4 drie dagen lang het cijferoverzicht van het hele leerjaar openen."
        ),
        reporter=BoardRole.CONTRIBUTOR,
        data_kinds=("contact", "pupil_records"),
        subjects={"pupils": 180},
        consequences="Leerlingen konden elkaars cijfers zien; kans op pesten en schaamte.",
        risk=Risk.RISK,
        measures_taken="Rechten teruggezet, inzage in de logbestanden, mentoren ingelicht.",
        notified_after=52 * HOUR,
        reference="DEMO-AP-0342",
        subjects_informed=SubjectsInformed.INFORMED,
        norms=("ID.02", "ID.05"),
        lessons=(
            "Wijzigingen in rechten eerst testen in een aparte omgeving, met een tweede paar ogen."
        ),
        status=IncidentStatus.CLOSED,
    ),
)


def seed_incidents(*, board: Board, people: dict[str, User]) -> str:
    """The board's demo incidents, unless it has incidents already."""
    if Incident.objects.filter(board=board).exists():
        return f"Incidents of {board.name}: already present."
    demo = SCHOLEN if board.bg_number == "40001" else COLLEGE
    now = timezone.now().replace(second=0, microsecond=0)
    norms = {norm.code: norm for norm in linkable_norms(board=board)}
    ordered = sorted(demo, key=lambda item: item.aware_ago, reverse=True)
    for number, item in enumerate(ordered, start=1):
        _incident(board, number, item, now=now, people=people, norms=norms)
    return f"Incidents of {board.name}: {len(demo)} created."


def _incident(
    board: Board,
    number: int,
    item: DemoIncident,
    *,
    now: datetime.datetime,
    people: dict[str, User],
    norms: dict[str, Any],
) -> None:
    aware = now - item.aware_ago
    decider = people[BoardRole.PRIVACY_OFFICER]
    values: dict[str, Any] = {}
    if item.notified_after is not None:
        values = {
            "notify_decision": NotifyDecision.NOTIFIED,
            "notified_at": aware + item.notified_after,
            "notification_reference": item.reference,
            "decided_by": decider,
            "decided_at": aware + item.notified_after + HOUR,
        }
    elif item.not_notified_reason:
        values = {
            "notify_decision": NotifyDecision.NOT_NOTIFIED,
            "not_notified_reason": item.not_notified_reason,
            "decided_by": decider,
            "decided_at": aware + 10 * HOUR,
        }
    if item.subjects_informed == SubjectsInformed.INFORMED:
        values["subjects_informed_on"] = (aware + 4 * DAY).date()
    incident = Incident.objects.create(
        board=board,
        number=number,
        kind=item.kind,
        title=item.title,
        occurred_at=aware - item.occurred_before if item.occurred_before else None,
        became_aware_at=aware,
        description=item.description,
        data_kinds=list(item.data_kinds),
        subjects=dict(item.subjects),
        consequences=item.consequences,
        risk=item.risk,
        subjects_informed=item.subjects_informed,
        school_cert_involved=bool(item.school_cert_reference),
        school_cert_reference=item.school_cert_reference,
        measures_taken=item.measures_taken,
        status=item.status,
        lessons=item.lessons,
        reported_by=people[item.reporter],
        **values,
    )
    # created_at is set on save; the demo backdates it to the moment of reporting.
    Incident.objects.filter(pk=incident.pk).update(created_at=aware + HOUR)
    incident.norms.set([norms[code] for code in item.norms if code in norms])
