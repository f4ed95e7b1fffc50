"""The annual-report paragraph written from the data (BRIEF 4.4), in Dutch whatever the UI language.

Every number comes from the reads the pages use: `summary()` and `compare()` for the
self-evaluation, `plan_check()` and `projection()` for the plan, so the paragraph and the pages
never disagree. The sentences are English msgids rendered with the Dutch catalogue
(docs/reports.md, "Annual-report paragraph").
"""

import datetime
import re
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kompas.assessments.models import AssessmentStatus, SelfAssessment
from kompas.assessments.selectors import (
    Summary,
    compare,
    scores_of,
    standing_before,
    standing_evaluation,
    summary,
    year_draft,
)
from kompas.boards.models import Board
from kompas.incidents.selectors import yearly_figures
from kompas.plans.models import Measure, MeasureStatus, PlanVersion
from kompas.plans.roadmap import Verdict, projection
from kompas.plans.selectors import PlanCheck, plan_check

TEXT_LANGUAGE = "nl"

# Characters that XML 1.0 cannot hold (and that a terminal may act on), other than tab and line
# breaks: C0 and C1 controls, DEL, lone surrogates and the two non-characters U+FFFE/U+FFFF.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """The text with Unix line breaks and without control characters; tabs are kept."""
    return _UNPRINTABLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text: blocks separated by one or more empty lines."""
    return [block.strip("\n") for block in re.split(r"\n[ \t]*\n", text) if block.strip()]


# --- Incidents -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFigures:
    """A board's incident register for one year, in numbers."""

    registered: int  # security incidents and data breaches registered in the year
    breaches: int  # of those, breaches of personal data
    notified: int  # of those, breaches notified to the Autoriteit Persoonsgegevens


def incident_figures(*, board: Board, year: int) -> IncidentFigures | None:
    """The year's incident figures, or None while the board has never used the register.

    The counts come from the incident register (BRIEF 4.6). A board that registered no incident
    at all may keep its register elsewhere: None leaves the incident sentences out of the
    paragraph, rather than claiming there were no incidents.
    """
    figures = yearly_figures(board=board, year=year)
    if not figures.ever:
        return None
    return IncidentFigures(
        registered=figures.registered, breaches=figures.breaches, notified=figures.notified
    )


# --- The paragraph ---------------------------------------------------------------------------


def annual_text(*, board: Board, year: int, today: datetime.date | None = None) -> str:
    """The paragraph for `year`, in Dutch: paragraphs of plain text separated by empty lines.

    The evaluation figures are those of the year's self-evaluation; the plan and the
    projection are as they stand on `today` (the day the text is generated), and say so.
    """
    today = today or timezone.localdate()
    with translation.override(TEXT_LANGUAGE):
        assessment = year_assessment(board=board, year=year)
        blocks = [
            _context(),
            _what_was_done(board=board, year=year, assessment=assessment),
            _where_it_stands(assessment=assessment),
            _plan(board=board, today=today),
            _incidents(board=board, year=year),
        ]
    return "\n\n".join(" ".join(block) for block in blocks if block)


def year_assessment(*, board: Board, year: int) -> SelfAssessment | None:
    """The evaluation that stands for the year; without an approved one, the year's draft.

    A draft is said to be one in the text (docs/scoring.md, "Which evaluation counts").
    """
    return standing_evaluation(board=board, year=year) or year_draft(board=board, year=year)


def _context() -> list[str]:
    return [
        _(
            "Since the 2024 reporting year, school boards report in their annual report on "
            "information security and privacy."
        ),
        _(
            "The sector has agreed that by 31 December 2027 every school board knows where it "
            "stands against the standards framework for information security and privacy "
            "(Normenkader IBP) and has a plan for every norm, and that by 2030 every board "
            "meets the norms."
        ),
    ]


def _what_was_done(*, board: Board, year: int, assessment: SelfAssessment | None) -> list[str]:
    sentences = []
    if assessment is None:
        sentences += [
            _("In %(year)d, %(board)s did not record a self-evaluation in IBP-Kompas.")
            % {"year": year, "board": board.name},
            _("So it cannot yet say from its own data where it stood that year."),
        ]
    else:
        sentences.append(
            _(
                "In %(year)d, %(board)s assessed itself against %(framework)s "
                "(self-evaluation %(period)s)."
            )
            % {
                "year": year,
                "board": board.name,
                "framework": assessment.framework_version.title,
                "period": assessment.period,
            }
        )
        if assessment.status == AssessmentStatus.APPROVED and assessment.approved_at:
            sentences.append(
                _("The executive approved this self-evaluation on %(date)s.")
                % {"date": date_format(timezone.localdate(assessment.approved_at))}
            )
        elif assessment.status == AssessmentStatus.SUBMITTED:
            sentences.append(
                _("The self-evaluation has been submitted but not yet approved by the executive.")
            )
        else:
            sentences.append(
                _("The self-evaluation is still a draft and has not been approved yet.")
            )
    completed = Measure.objects.filter(
        board=board, status=MeasureStatus.DONE, completed_at__year=year
    ).count()
    if completed:
        sentences.append(
            ngettext(
                "In %(year)d the board completed %(count)d improvement measure.",
                "In %(year)d the board completed %(count)d improvement measures.",
                completed,
            )
            % {"year": year, "count": completed}
        )
    else:
        sentences.append(
            _("In %(year)d the board completed no improvement measures.") % {"year": year}
        )
    approvals = PlanVersion.objects.filter(board=board, approved_at__year=year).count()
    if approvals:
        sentences.append(
            ngettext(
                "The executive approved %(count)d version of the improvement plan that year.",
                "The executive approved %(count)d versions of the improvement plan that year.",
                approvals,
            )
            % {"count": approvals}
        )
    return sentences


def _where_it_stands(*, assessment: SelfAssessment | None) -> list[str]:
    if assessment is None:
        return []
    figures = summary(scores=scores_of(assessment=assessment))
    sentences = [
        ngettext(
            "%(assessed)d of the %(total)d norm has been assessed (%(percent)d%%).",
            "%(assessed)d of the %(total)d norms have been assessed (%(percent)d%%).",
            figures.total,
        )
        % {
            "assessed": figures.assessed,
            "total": figures.total,
            "percent": figures.completeness_percent,
        },
        ngettext(
            "%(count)d of the %(applicable)d applicable norms is at or above its target level "
            "(%(percent)d%%).",
            "%(count)d of the %(applicable)d applicable norms are at or above their target "
            "level (%(percent)d%%).",
            figures.at_or_above_target,
        )
        % {
            "count": figures.at_or_above_target,
            "applicable": figures.applicable,
            "percent": figures.at_or_above_target_percent,
        },
    ]
    sentences += _part_means(figures)
    if figures.meets_framework:
        sentences.append(_("The board thereby meets every applicable norm."))
    sentences += _change(assessment, figures)
    return sentences


def _part_means(figures: Summary) -> list[str]:
    sentences = []
    for part in figures.parts:
        if part.mean is None:
            sentences.append(_("No norm of %(part)s has a level yet.") % {"part": part.name})
        else:
            sentences.append(
                _("The mean level for %(part)s is %(mean)s.")
                % {"part": part.name, "mean": number_format(part.mean)}
            )
    return sentences


def _change(assessment: SelfAssessment, figures: Summary) -> list[str]:
    earlier = standing_before(assessment=assessment)
    if earlier is None:
        return [_("There is no earlier self-evaluation to compare with.")]
    comparison = compare(earlier=earlier, later=assessment)
    before = summary(scores=scores_of(assessment=earlier))
    return [
        ngettext(
            "Compared with the self-evaluation %(period)s, the level rose for %(count)d norm.",
            "Compared with the self-evaluation %(period)s, the level rose for %(count)d norms.",
            comparison.gains,
        )
        % {"period": earlier.period, "count": comparison.gains},
        ngettext(
            "The level fell for %(count)d norm.",
            "The level fell for %(count)d norms.",
            comparison.regressions,
        )
        % {"count": comparison.regressions},
        ngettext(
            "Then %(count)d norm was at or above its target level.",
            "Then %(count)d norms were at or above their target level.",
            before.at_or_above_target,
        )
        % {"count": before.at_or_above_target},
    ]


def _plan(*, board: Board, today: datetime.date) -> list[str]:
    check = plan_check(board=board)
    date = date_format(today)
    if check.assessment is None:
        return [
            _(
                "There is no self-evaluation yet to base an improvement plan on, so the board "
                "does not yet meet the 2027 milestone."
            )
        ]
    gaps = len(check.gaps)
    if not gaps:
        return [
            _(
                "On %(date)s no applicable norm is below its target level, so the board meets "
                "the 2027 milestone and needs no improvement measures."
            )
            % {"date": date}
        ]
    sentences = [
        ngettext(
            "On %(date)s, %(count)d applicable norm is below its target level.",
            "On %(date)s, %(count)d applicable norms are below their target level.",
            gaps,
        )
        % {"date": date, "count": gaps}
    ]
    sentences += _coverage(check)
    sentences += _milestone_2027(board=board, check=check)
    sentences += _projection(board=board, today=today)
    return sentences


def _coverage(check: PlanCheck) -> list[str]:
    counted = [
        (
            len(check.covered),
            ngettext(
                "The improvement plan has a measure for %(count)d of them.",
                "The improvement plan has measures for %(count)d of them.",
                len(check.covered),
            ),
        ),
        (
            len(check.accepted),
            ngettext(
                "For %(count)d norm the executive has accepted the risk for the time being.",
                "For %(count)d norms the executive has accepted the risk for the time being.",
                len(check.accepted),
            ),
        ),
        (
            len(check.open),
            ngettext(
                "%(count)d norm has no measure and no accepted risk yet.",
                "%(count)d norms have no measure and no accepted risk yet.",
                len(check.open),
            ),
        ),
    ]
    return [sentence % {"count": count} for count, sentence in counted if count]


def _milestone_2027(*, board: Board, check: PlanCheck) -> list[str]:
    if not check.complete:
        return [
            _(
                "To meet the 2027 milestone, the board still needs a measure or a decision for "
                "these norms."
            )
        ]
    assert check.assessment is not None  # a complete check has an evaluation
    approved = (
        PlanVersion.objects.filter(board=board, assessment=check.assessment)
        .order_by("-number")
        .first()
    )
    if approved is None:
        return [
            _(
                "The plan covers every norm below target, but the executive has not yet "
                "approved it for this self-evaluation."
            )
        ]
    gaps = len(check.gaps)
    return [
        ngettext(
            "The board has an approved plan for its %(count)d norm below target and so meets "
            "the 2027 milestone.",
            "The board has an approved plan covering all %(count)d norms below target and so "
            "meets the 2027 milestone.",
            gaps,
        )
        % {"count": gaps},
        _("The executive approved the plan on %(date)s.")
        % {"date": date_format(timezone.localdate(approved.approved_at))},
    ]


def _projection(*, board: Board, today: datetime.date) -> list[str]:
    result = projection(board=board, today=today)
    deadline = date_format(result.deadline)
    verdicts = {
        Verdict.ON_TRACK: _(
            "According to the projection, the board is on track to meet every norm by %(deadline)s."
        ),
        Verdict.AT_RISK: _(
            "According to the projection, meeting every norm by %(deadline)s is at risk."
        ),
        Verdict.OFF_TRACK: _(
            "According to the projection, the board is not on track to meet every norm by "
            "%(deadline)s."
        ),
    }
    sentences = [verdicts[result.verdict] % {"deadline": deadline}]
    if result.overdue:
        sentences.append(
            ngettext(
                "%(count)d measure is overdue.", "%(count)d measures are overdue.", result.overdue
            )
            % {"count": result.overdue}
        )
    return sentences


def _incidents(*, board: Board, year: int) -> list[str]:
    figures = incident_figures(board=board, year=year)
    if figures is None:
        return []
    sentences = [
        ngettext(
            "In %(year)d the board registered %(count)d security incident or data breach.",
            "In %(year)d the board registered %(count)d security incidents and data breaches.",
            figures.registered,
        )
        % {"year": year, "count": figures.registered}
    ]
    if figures.registered:
        sentences.append(
            ngettext(
                "Of these, %(count)d was a breach of personal data.",
                "Of these, %(count)d were breaches of personal data.",
                figures.breaches,
            )
            % {"count": figures.breaches}
        )
        sentences.append(
            ngettext(
                "%(count)d breach was notified to the Dutch Data Protection Authority.",
                "%(count)d breaches were notified to the Dutch Data Protection Authority.",
                figures.notified,
            )
            % {"count": figures.notified}
        )
    return sentences
