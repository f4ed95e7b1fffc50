"""Self-evaluations in the board document: written, checked and restored, evidence included.

Evaluations travel with their scores in the framework's norm order and each score's evidence;
evidence files travel once per SHA-256 under `files` and are stored once again on import,
shared by their copies as the evaluations keep them. Frozen evaluations are inserted as drafts,
so that their evidence can be added, and get their real status at the end.
"""

import base64
import binascii
import hashlib
from typing import Any

from django.core.files.base import ContentFile

from kompas.assessments.models import (
    AssessmentStatus,
    Evidence,
    EvidenceKind,
    NormScore,
    SelfAssessment,
)
from kompas.boards.models import Board
from kompas.exports.document import (
    BoardExportError,
    Checked,
    EvaluationKey,
    Exporting,
    JsonPath,
    MappingKey,
    People,
    PersonOf,
    Rows,
    create_rows,
    evaluation_key,
    evaluation_ref,
    moment,
    when,
)
from kompas.frameworks.models import Mapping

# The rows this section carries (the registry in board_export.py lists them).
MODELS = (SelfAssessment, NormScore, Evidence)


def export_evaluations(context: Exporting) -> list[dict[str, Any]]:
    """The evaluations with their scores and evidence; the files go into `context.files`."""
    board, people, files = context.board, context.people, context.files
    assessments = sorted(
        SelfAssessment.objects.filter(board=board).select_related(
            "framework_version__framework",
            "started_from__framework_version__framework",
            "mapping__source__framework",
            "mapping__target__framework",
            "created_by",
            "submitted_by",
            "approved_by",
        ),
        key=lambda a: (
            a.framework_version.framework.slug,
            a.framework_version.version,
            a.period,
            a.version,
        ),
    )
    scores: dict[int, list[NormScore]] = {}
    for score in (
        NormScore.objects.filter(assessment__board=board)
        .select_related("norm", "assignee", "updated_by")
        .order_by("assessment", "norm__position", "norm__code")
    ):
        scores.setdefault(score.assessment_id, []).append(score)
    evidence: dict[int, list[Evidence]] = {}
    for item in (
        Evidence.objects.filter(board=board)
        .select_related("added_by", "removed_by")
        .order_by("added_at", "pk")
    ):
        evidence.setdefault(item.score_id, []).append(item)
    return [
        {
            **evaluation_ref(assessment),
            "status": assessment.status,
            "started_from": (
                evaluation_ref(assessment.started_from) if assessment.started_from else None
            ),
            "mapping": mapping_ref(assessment.mapping),
            "reopen_reason": assessment.reopen_reason,
            "sent_back_reason": assessment.sent_back_reason,
            "created_by": people.name(assessment.created_by),
            "created_at": moment(assessment.created_at),
            "submitted_at": moment(assessment.submitted_at),
            "submitted_by": people.name(assessment.submitted_by),
            "approved_at": moment(assessment.approved_at),
            "approved_by": people.name(assessment.approved_by),
            "scores": [
                {
                    "norm": score.norm.code,
                    "level": score.level,
                    "target_level": score.target_level,
                    "not_applicable": score.not_applicable,
                    "not_applicable_reason": score.not_applicable_reason,
                    "explanation": score.explanation,
                    "assignee": people.name(score.assignee),
                    "to_confirm": score.to_confirm,
                    "carried": score.carried,
                    "revision": score.revision,
                    "updated_by": people.name(score.updated_by),
                    "updated_at": moment(score.updated_at),
                    "evidence": [
                        _evidence(item, people, files) for item in evidence.get(score.pk, [])
                    ],
                }
                for score in scores.get(assessment.pk, [])
            ],
        }
        for assessment in assessments
    ]


def mapping_ref(mapping: Mapping | None) -> dict[str, Any] | None:
    if mapping is None:
        return None
    return {
        side: {"framework": version.framework.slug, "framework_version": version.version}
        for side, version in (("source", mapping.source), ("target", mapping.target))
    }


def _evidence(item: Evidence, people: People, files: dict[str, bytes]) -> dict[str, Any]:
    if item.kind == EvidenceKind.FILE and item.sha256 not in files:
        files[item.sha256] = _evidence_bytes(item)
    return {
        "kind": item.kind,
        "original_name": item.original_name,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "url": item.url,
        "title": item.title,
        "added_by": people.name(item.added_by),
        "added_at": moment(item.added_at),
        "removed_by": people.name(item.removed_by),
        "removed_at": moment(item.removed_at),
    }


def _evidence_bytes(item: Evidence) -> bytes:
    # An export that silently lacks a file, or carries a damaged one, would not be complete.
    try:
        with item.file.storage.open(str(item.file.name), "rb") as handle:
            data = handle.read()
    except OSError as error:
        raise BoardExportError(
            f"Evidence file {item.original_name!r} (stored as {item.file.name}) cannot be "
            f"read: {error.strerror or error}."
        ) from None
    if hashlib.sha256(data).hexdigest() != item.sha256:
        raise BoardExportError(
            f"Evidence file {item.original_name!r} (stored as {item.file.name}) no longer "
            "matches the SHA-256 recorded when it was added; restore it from a backup first."
        )
    return data


def mapping_key(ref: dict[str, Any]) -> MappingKey:
    return (
        (ref["source"]["framework"], ref["source"]["framework_version"]),
        (ref["target"]["framework"], ref["target"]["framework_version"]),
    )


def check_mapping(ref: dict[str, Any] | None, path: JsonPath, context: Checked) -> None:
    """A mapping an evaluation came through (or a submission was translated through) is sector
    data: it must be installed here."""
    if ref is None:
        return
    key = mapping_key(ref)
    if key in context.mappings:
        return
    mapping = Mapping.objects.filter(
        source__framework__slug=key[0][0],
        source__version=key[0][1],
        target__framework__slug=key[1][0],
        target__version=key[1][1],
    ).first()
    if mapping is None:
        context.report(
            path,
            f"the mapping from {key[0][0]} {key[0][1]} to {key[1][0]} {key[1][1]} is not "
            "installed here; import it first (manage.py import_mapping FILE)",
        )
        return
    context.mappings[key] = mapping


def check_evaluations(document: dict[str, Any], context: Checked) -> None:
    """Evaluations refer to installed norms and to each other, evidence to its file."""
    evaluations = document["evaluations"]
    context.check_unique(
        evaluations, ("framework", "framework_version", "period", "version"), ("evaluations",)
    )
    keys = {evaluation_key(item) for item in evaluations}
    for index, evaluation in enumerate(evaluations):
        path: JsonPath = ("evaluations", index)
        version = (evaluation["framework"], evaluation["framework_version"])
        if version not in context.versions:
            if version not in context.listed:
                context.report(
                    path,
                    f"framework {version[0]} version {version[1]} is not listed under frameworks",
                )
            continue
        started = evaluation["started_from"]
        if started is not None and evaluation_key(started) not in keys:
            context.report((*path, "started_from"), "refers to an evaluation not in the document")
        check_mapping(evaluation["mapping"], (*path, "mapping"), context)
        codes: set[str] = set()
        for number, score in enumerate(evaluation["scores"]):
            where: JsonPath = (*path, "scores", number)
            if (*version, score["norm"]) not in context.norms:
                context.report(
                    (*where, "norm"), f"no norm {score['norm']!r} in {version[0]} {version[1]}"
                )
            if score["norm"] in codes:
                context.report((*where, "norm"), f"norm {score['norm']!r} is scored twice")
            codes.add(score["norm"])
            for position, item in enumerate(score["evidence"]):
                _check_evidence(item, (*where, "evidence", position), context)


def check_files(files: list[dict[str, Any]], context: Checked) -> None:
    """Every file decodes and matches its SHA-256 and size; kept in `context` for writing."""
    for index, item in enumerate(files):
        path: JsonPath = ("files", index)
        if item["sha256"] in context.files:
            context.report((*path, "sha256"), "appears twice")
            continue
        try:
            data = base64.b64decode(item["content"], validate=True)
        except binascii.Error:
            context.report((*path, "content"), "is not valid base64")
            continue
        if hashlib.sha256(data).hexdigest() != item["sha256"]:
            context.report(
                (*path, "content"),
                "does not match its SHA-256: the file was changed or damaged",
            )
        elif item["size"] != len(data):
            context.report(
                (*path, "size"), f"is {item['size']}, but the content has {len(data)} bytes"
            )
        else:
            context.files[item["sha256"]] = data


def _check_evidence(item: dict[str, Any], path: JsonPath, context: Checked) -> None:
    if item["kind"] == EvidenceKind.LINK:
        if item["sha256"] or item["size"] is not None or not item["url"]:
            context.report(path, "a link has a url, and no SHA-256 or size")
    elif not item["sha256"] or item["size"] is None or item["url"] or not item["original_name"]:
        context.report(path, "a file has a name, a size and a SHA-256, and no url")
    elif item["sha256"] not in context.files:
        context.report((*path, "sha256"), "no file with this SHA-256 under files")
    elif item["size"] != len(context.files[item["sha256"]]):
        context.report((*path, "size"), "differs from the size of the file under files")


class EvaluationWriter:
    """Restores the evaluations; `stored` collects the evidence files written, for a rollback."""

    def __init__(
        self, *, board: Board, context: Checked, person: PersonOf, stored: list[str]
    ) -> None:
        self.board = board
        self.context = context
        self.person = person
        self.stored = stored
        self.evaluations: dict[EvaluationKey, SelfAssessment] = {}
        self.stored_by_sha: dict[str, str] = {}

    def write(self, items: list[dict[str, Any]]) -> dict[EvaluationKey, SelfAssessment]:
        """Create the evaluations with their scores and evidence; returns them by key."""
        board = self.board
        # Created as drafts, so that their evidence may be added; the status comes last.
        assessments = create_rows(
            SelfAssessment,
            [
                (
                    SelfAssessment(
                        board=board,
                        framework_version=self.context.versions[
                            (item["framework"], item["framework_version"])
                        ],
                        period=item["period"],
                        version=item["version"],
                        status=AssessmentStatus.DRAFT,
                        reopen_reason=item["reopen_reason"],
                        sent_back_reason=item["sent_back_reason"],
                        created_by=self.person(item["created_by"]),
                    ),
                    {},
                )
                for item in items
            ],
        )
        for item, assessment in zip(items, assessments, strict=True):
            self.evaluations[evaluation_key(item)] = assessment
        for item, assessment in zip(items, assessments, strict=True):
            self._scores(board, assessment, item)
        for item, assessment in zip(items, assessments, strict=True):
            started = item["started_from"]
            SelfAssessment.objects.filter(pk=assessment.pk).update(
                status=item["status"],
                started_from=self.evaluations[evaluation_key(started)] if started else None,
                mapping=(
                    self.context.mappings[mapping_key(item["mapping"])] if item["mapping"] else None
                ),
                created_at=when(item["created_at"]),
                submitted_at=when(item["submitted_at"]),
                submitted_by=self.person(item["submitted_by"]),
                approved_at=when(item["approved_at"]),
                approved_by=self.person(item["approved_by"]),
            )
        return self.evaluations

    def _scores(self, board: Board, assessment: SelfAssessment, item: dict[str, Any]) -> None:
        version = (item["framework"], item["framework_version"])
        scores = NormScore.objects.bulk_create(
            NormScore(
                assessment=assessment,
                norm=self.context.norms[(*version, score["norm"])],
                level=score["level"],
                target_level=score["target_level"],
                not_applicable=score["not_applicable"],
                not_applicable_reason=score["not_applicable_reason"],
                explanation=score["explanation"],
                assignee=self.person(score["assignee"]),
                to_confirm=score["to_confirm"],
                carried=score["carried"],
                revision=score["revision"],
                updated_by=self.person(score["updated_by"]),
                updated_at=when(score["updated_at"]),
            )
            for score in item["scores"]
        )
        rows: Rows = []
        for data, score in zip(item["scores"], scores, strict=True):
            for evidence in data["evidence"]:
                row = Evidence(
                    board=board,
                    score=score,
                    kind=evidence["kind"],
                    original_name=evidence["original_name"],
                    content_type=evidence["content_type"],
                    size=evidence["size"],
                    sha256=evidence["sha256"],
                    url=evidence["url"],
                    title=evidence["title"],
                    added_by=self.person(evidence["added_by"]),
                    removed_by=self.person(evidence["removed_by"]),
                    removed_at=when(evidence["removed_at"]),
                )
                if row.kind == EvidenceKind.FILE:
                    self._store(row)
                rows.append((row, {"added_at": when(evidence["added_at"])}))
        create_rows(Evidence, rows)

    def _store(self, row: Evidence) -> None:
        # One stored file per SHA-256, shared by its copies, as the evaluations keep them.
        name = self.stored_by_sha.get(row.sha256)
        if name is None:
            content = ContentFile(self.context.files[row.sha256])
            row.file.save(row.original_name, content, save=False)
            self.stored.append(str(row.file.name))
            self.stored_by_sha[row.sha256] = str(row.file.name)
        else:
            row.file.name = name
