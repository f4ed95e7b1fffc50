"""The board's monitoring submissions in the board document: written, checked and restored.

A submission is the snapshot the board gave a round, kept as it was stored: its cells, its
values per norm, its mean per domain, its summary numbers, the sector services it recorded,
its breach count and its consents with their history. Nothing is computed again on import:
the snapshot says what the board submitted then, under the rules of then.

The round is the sector's, not the board's: a submission names it by its natural key
(framework, framework version, period and name) and carries its sectors. Import attaches the
submission to the round of that key here, or recreates a missing round, closed and without
releases, so that it holds the board's submission and publishes nothing (docs/board-export.md).
"""

from decimal import Decimal
from typing import Any

from django.utils import timezone

from kompas.assessments.models import SelfAssessment
from kompas.boards.models import Board
from kompas.exports.document import (
    Checked,
    EvaluationKey,
    Exporting,
    JsonPath,
    PersonOf,
    RoundKey,
    Rows,
    amount,
    amount_of,
    create_rows,
    day,
    day_of,
    evaluation_key,
    evaluation_ref,
    moment,
    moment_of,
    show,
    when,
)
from kompas.exports.evaluations_part import check_mapping, mapping_key, mapping_ref
from kompas.monitoring.models import (
    Consent,
    MonitoringRound,
    RoundStatus,
    Submission,
    SubmissionCell,
    SubmittedDomain,
    SubmittedScore,
    SubmittedService,
)

# The rows this section carries (the registry in board_export.py lists them).
MODELS = (
    Submission,
    SubmissionCell,
    SubmittedScore,
    SubmittedDomain,
    SubmittedService,
    Consent,
)


def round_ref(round_: MonitoringRound) -> dict[str, Any]:
    version = round_.framework_version
    return {
        "framework": version.framework.slug,
        "framework_version": version.version,
        "period": round_.period,
        "name": round_.name,
        "sectors": sorted(round_.sectors),
    }


def round_key(ref: dict[str, Any]) -> RoundKey:
    return (ref["framework"], ref["framework_version"], ref["period"], ref["name"])


def round_label(ref: dict[str, Any]) -> str:
    """A round as messages name it: “Meetronde 2026 (period 2026, normenkader-ibp-fo 2024)”."""
    return f"{ref['name']} (period {ref['period']}, {ref['framework']} {ref['framework_version']})"


def export_submissions(context: Exporting) -> list[dict[str, Any]]:
    """The board's submissions by round and time, each with what it owns; six queries."""
    board, people = context.board, context.people
    submissions = sorted(
        Submission.objects.filter(board=board).select_related(
            "round__framework_version__framework",
            "assessment__framework_version__framework",
            "submitted_by",
            "mapping__source__framework",
            "mapping__target__framework",
        ),
        key=lambda s: (*round_key(round_ref(s.round)), s.submitted_at, s.pk),
    )
    owned: dict[str, dict[int, list[Any]]] = {}
    for name, rows in (
        ("cells", SubmissionCell.objects.order_by("submission", "cut", "value")),
        (
            "scores",
            SubmittedScore.objects.select_related("norm").order_by(
                "submission", "norm__position", "norm__code"
            ),
        ),
        ("domains", SubmittedDomain.objects.order_by("submission", "code")),
        ("services", SubmittedService.objects.order_by("submission", "service")),
        (
            "consents",
            Consent.objects.select_related("granted_by", "withdrawn_by").order_by(
                "submission", "granted_at", "audience", "pk"
            ),
        ),
    ):
        owned[name] = {}
        for row in rows.filter(submission__board=board):
            owned[name].setdefault(row.submission_id, []).append(row)
    return [
        {
            "round": round_ref(submission.round),
            "evaluation": evaluation_ref(submission.assessment),
            "mapping": mapping_ref(submission.mapping),
            "submitted_by": people.name(submission.submitted_by),
            "submitted_at": moment(submission.submitted_at),
            "sectors": list(submission.sectors),
            "size_class": submission.size_class,
            "region": submission.region,
            "signature": submission.signature,
            "has_approved_plan": submission.has_approved_plan,
            "open_gaps": submission.open_gaps,
            "overdue_measures": submission.overdue_measures,
            "projection": submission.projection,
            "mean_level": amount(submission.mean_level),
            "norms_at_target": submission.norms_at_target,
            "policy_level": amount(submission.policy_level),
            "practice_level": amount(submission.practice_level),
            "quadrant": submission.quadrant,
            "breaches": submission.breaches,
            "cells": [
                {"cut": cell.cut, "value": cell.value}
                for cell in owned["cells"].get(submission.pk, [])
            ],
            "scores": [
                {
                    "norm": score.norm.code,
                    "level": score.level,
                    "not_applicable": score.not_applicable,
                    "target_level": score.target_level,
                    "at_target": score.at_target,
                }
                for score in owned["scores"].get(submission.pk, [])
            ],
            "domains": [
                {"code": domain.code, "mean": amount(domain.mean)}
                for domain in owned["domains"].get(submission.pk, [])
            ],
            "services": [
                {
                    "service": service.service,
                    "status": service.status,
                    "started_on": day(service.started_on),
                }
                for service in owned["services"].get(submission.pk, [])
            ],
            "consents": [
                {
                    "audience": consent.audience,
                    "granted_by": people.name(consent.granted_by),
                    "granted_at": moment(consent.granted_at),
                    "withdrawn_by": people.name(consent.withdrawn_by),
                    "withdrawn_at": moment(consent.withdrawn_at),
                }
                for consent in owned["consents"].get(submission.pk, [])
            ],
        }
        for submission in submissions
    ]


def check_submissions(document: dict[str, Any], context: Checked) -> None:
    """The rules of the submissions a schema cannot express, and their rounds here."""
    submissions = document["submissions"]
    evaluations = {evaluation_key(item): item for item in document["evaluations"]}
    # Several submissions to one round are a resubmission chain: each replaces the one before.
    last: dict[RoundKey, dict[str, Any]] = {}
    for index, submission in enumerate(submissions):
        path: JsonPath = ("submissions", index)
        ref = submission["round"]
        key = round_key(ref)
        before = last.get(key)
        if before is not None:
            _check_resubmission(before, submission, path, context)
        last[key] = submission
        version = (ref["framework"], ref["framework_version"])
        evaluation = evaluations.get(evaluation_key(submission["evaluation"]))
        if evaluation is None:
            context.report((*path, "evaluation"), "refers to an evaluation not in the document")
        elif (evaluation["framework"], evaluation["framework_version"]) != version:
            _check_translation(submission, evaluation, version, path, context)
        elif submission["mapping"] is not None:
            context.report(
                (*path, "mapping"),
                "the evaluation is of the round's own framework version: nothing to translate",
            )
        _check_snapshot(submission, path, context)
        if version not in context.versions:
            if version not in context.listed:
                context.report(
                    (*path, "round"),
                    f"framework {version[0]} version {version[1]} is not listed under frameworks",
                )
            continue
        for number, score in enumerate(submission["scores"]):
            if (*version, score["norm"]) not in context.norms:
                context.report(
                    (*path, "scores", number, "norm"),
                    f"no norm {score['norm']!r} in {version[0]} {version[1]}",
                )
        _find_round(ref, (*path, "round"), context)


def _check_translation(
    submission: dict[str, Any],
    evaluation: dict[str, Any],
    version: tuple[str, str],
    path: JsonPath,
    context: Checked,
) -> None:
    """An evaluation of another version than the round's came in through a mapping."""
    used = (evaluation["framework"], evaluation["framework_version"])
    ref = submission["mapping"]
    if ref is None or mapping_key(ref) != (used, version):
        context.report(
            (*path, "evaluation"),
            f"is of {used[0]} {used[1]}, but the round asks for {version[0]} {version[1]}, and "
            f"the submission names no mapping from the one to the other",
        )
        return
    check_mapping(ref, (*path, "mapping"), context)


def _check_resubmission(
    before: dict[str, Any], submission: dict[str, Any], path: JsonPath, context: Checked
) -> None:
    if evaluation_key(before["evaluation"]) == evaluation_key(submission["evaluation"]):
        context.report(
            (*path, "evaluation"),
            "the same evaluation was submitted to this round already; a resubmission holds "
            "a newer one",
        )
    if moment_of(submission["submitted_at"]) <= moment_of(before["submitted_at"]):
        context.report(
            (*path, "submitted_at"),
            "lies before the submission to the same round it replaces (submissions to one "
            "round are listed in the order they were made)",
        )


def _check_snapshot(submission: dict[str, Any], path: JsonPath, context: Checked) -> None:
    context.check_unique(submission["cells"], ("cut", "value"), (*path, "cells"))
    context.check_unique(submission["scores"], ("norm",), (*path, "scores"))
    context.check_unique(submission["domains"], ("code",), (*path, "domains"))
    context.check_unique(submission["services"], ("service",), (*path, "services"))
    cells = sorted((cell["cut"], cell["value"]) for cell in submission["cells"])
    signature = "|".join(f"{cut}={value}" for cut, value in cells)
    if submission["signature"] != signature:
        context.report(
            (*path, "signature"),
            f"{show(submission['signature'])} does not match the cells ({show(signature)})",
        )
    active: set[str] = set()
    for number, consent in enumerate(submission["consents"]):
        where: JsonPath = (*path, "consents", number)
        if consent["withdrawn_at"] is None:
            if consent["audience"] in active:
                context.report(where, f"a second active consent for {consent['audience']!r}")
            active.add(consent["audience"])
        elif moment_of(consent["withdrawn_at"]) < moment_of(consent["granted_at"]):
            context.report((*where, "withdrawn_at"), "lies before the consent was granted")


def _find_round(ref: dict[str, Any], path: JsonPath, context: Checked) -> None:
    key = round_key(ref)
    if key in context.rounds:
        return
    version = context.versions[(ref["framework"], ref["framework_version"])]
    found = list(
        MonitoringRound.objects.filter(
            framework_version=version, period=ref["period"], name=ref["name"]
        ).order_by("pk")[:2]
    )
    if len(found) > 1:
        context.report(
            path,
            f"this installation has more than one round {round_label(ref)}; the submission "
            "cannot be matched to one of them",
        )
        return
    context.rounds[key] = found[0] if found else None
    if not found:
        context.warnings.append(
            f"The monitoring round {round_label(ref)} is not in this installation; it is "
            "recreated, closed and without releases, to hold the board's submission."
        )


def write_submissions(
    *,
    items: list[dict[str, Any]],
    context: Checked,
    board: Board,
    person: PersonOf,
    evaluations: dict[EvaluationKey, SelfAssessment],
) -> list[str]:
    """Create the submissions and what they own; returns the rounds it had to recreate."""
    created: list[str] = []
    now = timezone.now()
    rounds: dict[RoundKey, MonitoringRound] = {}
    for item in items:
        key = round_key(item["round"])
        found = context.rounds[key]
        if found is None:
            # Recreated closed, so that no other board submits to it and nothing is published
            # from it here; nobody here opened it.
            found = MonitoringRound.objects.create(
                name=key[3],
                framework_version=context.versions[key[:2]],
                period=key[2],
                sectors=item["round"]["sectors"],
                status=RoundStatus.CLOSED,
                opened_by=None,
                closed_at=now,
            )
            context.rounds[key] = found
            created.append(round_label(item["round"]))
        rounds[key] = found
    # A resubmission replaces the one before it in its round: written chain link by link.
    depth: list[int] = []
    seen: dict[RoundKey, int] = {}
    for item in items:
        key = round_key(item["round"])
        depth.append(seen.get(key, 0))
        seen[key] = depth[-1] + 1
    made: dict[int, Submission] = {}
    tip: dict[RoundKey, Submission] = {}
    for level in range(max(depth, default=-1) + 1):
        wanted = [index for index, found in enumerate(depth) if found == level]
        rows = _create_submissions(
            [items[index] for index in wanted],
            rounds=rounds,
            replaced=tip,
            context=context,
            board=board,
            person=person,
            evaluations=evaluations,
        )
        for index, row in zip(wanted, rows, strict=True):
            made[index] = row
            tip[round_key(items[index]["round"])] = row
    submissions = [made[index] for index in range(len(items))]
    _write_owned(items, submissions, context, person)
    return created


def _create_submissions(
    items: list[dict[str, Any]],
    *,
    rounds: dict[RoundKey, MonitoringRound],
    replaced: dict[RoundKey, Submission],
    context: Checked,
    board: Board,
    person: PersonOf,
    evaluations: dict[EvaluationKey, SelfAssessment],
) -> list[Submission]:
    return create_rows(
        Submission,
        [
            (
                Submission(
                    round=rounds[round_key(item["round"])],
                    board=board,
                    replaces=replaced.get(round_key(item["round"])),
                    mapping=context.mappings[mapping_key(item["mapping"])]
                    if item["mapping"]
                    else None,
                    assessment=evaluations[evaluation_key(item["evaluation"])],
                    submitted_by=person(item["submitted_by"]),
                    sectors=item["sectors"],
                    size_class=item["size_class"],
                    region=item["region"],
                    signature=item["signature"],
                    has_approved_plan=item["has_approved_plan"],
                    open_gaps=item["open_gaps"],
                    overdue_measures=item["overdue_measures"],
                    projection=item["projection"],
                    mean_level=amount_of(item["mean_level"]),
                    norms_at_target=item["norms_at_target"],
                    policy_level=amount_of(item["policy_level"]),
                    practice_level=amount_of(item["practice_level"]),
                    quadrant=item["quadrant"],
                    breaches=item["breaches"],
                ),
                {"submitted_at": moment_of(item["submitted_at"])},
            )
            for item in items
        ],
    )


def _write_owned(
    items: list[dict[str, Any]],
    submissions: list[Submission],
    context: Checked,
    person: PersonOf,
) -> None:
    pairs = list(zip(items, submissions, strict=True))
    SubmissionCell.objects.bulk_create(
        SubmissionCell(submission=submission, cut=cell["cut"], value=cell["value"])
        for item, submission in pairs
        for cell in item["cells"]
    )
    SubmittedScore.objects.bulk_create(
        SubmittedScore(
            submission=submission,
            norm=context.norms[
                (item["round"]["framework"], item["round"]["framework_version"], score["norm"])
            ],
            level=score["level"],
            not_applicable=score["not_applicable"],
            target_level=score["target_level"],
            at_target=score["at_target"],
        )
        for item, submission in pairs
        for score in item["scores"]
    )
    SubmittedDomain.objects.bulk_create(
        SubmittedDomain(submission=submission, code=domain["code"], mean=Decimal(domain["mean"]))
        for item, submission in pairs
        for domain in item["domains"]
    )
    SubmittedService.objects.bulk_create(
        SubmittedService(
            submission=submission,
            service=service["service"],
            status=service["status"],
            started_on=day_of(service["started_on"]),
        )
        for item, submission in pairs
        for service in item["services"]
    )
    rows: Rows = [
        (
            Consent(
                submission=submission,
                audience=consent["audience"],
                granted_by=person(consent["granted_by"]),
                withdrawn_by=person(consent["withdrawn_by"]),
                withdrawn_at=when(consent["withdrawn_at"]),
            ),
            {"granted_at": moment_of(consent["granted_at"])},
        )
        for item, submission in pairs
        for consent in item["consents"]
    ]
    create_rows(Consent, rows)
