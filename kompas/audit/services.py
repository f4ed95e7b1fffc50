"""Writing to and checking the audit trail."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from kompas.accounts.models import User
from kompas.audit.models import PLATFORM_CHAIN, AuditChain, AuditEvent, board_chain

Changes = dict[str, list[Any]]  # field -> [before, after]


def event_hash(event: AuditEvent) -> str:
    content = {
        "chain": event.chain,
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(),
        "board_id": event.board_id,
        "actor_id": event.actor_id,
        "actor_email": event.actor_email,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "prev_hash": event.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def audit_record(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    actor_email: str = "",
    board_id: int | None = None,
    obj: Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    changes: Changes | None = None,
) -> AuditEvent:
    """Append an event to its board's chain (or the platform chain) in the caller's transaction."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:300]
    person = actor if actor is not None and actor.is_authenticated else None
    key = board_chain(board_id) if board_id is not None else PLATFORM_CHAIN
    # No savepoint of its own: if recording fails, the change it records must fail with it.
    with transaction.atomic(savepoint=False):
        head, _created = AuditChain.objects.select_for_update().get_or_create(key=key)
        event = AuditEvent(
            chain=key,
            sequence=head.last_sequence + 1,
            created_at=timezone.now(),
            board_id=board_id,
            actor_id=person.pk if person is not None else None,
            actor_email=(person.email if person is not None else actor_email)[:254],
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr[:300],
            changes=_jsonable(changes or {}),
            prev_hash=head.last_hash,
        )
        event.hash = event_hash(event)
        event.save()
        head.last_sequence = event.sequence
        head.last_hash = event.hash
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """The fields that differ, as field -> [before, after]."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def _jsonable(changes: Changes) -> Changes:
    # Round-trip through JSON so the stored value and the hashed value are the same.
    return json.loads(json.dumps(changes, default=str))


@dataclass(frozen=True)
class Breach:
    chain: str
    sequence: int
    event_id: int | None
    problem: str

    def __str__(self) -> str:
        where = f"event {self.chain} #{self.sequence}"
        if self.event_id is not None:
            where += f" (id {self.event_id})"
        return f"{where}: {self.problem}"


def audit_verify() -> Iterator[Breach]:
    """Yield the first breach of every chain whose events were changed, removed or reordered."""
    heads = {head.key: head for head in AuditChain.objects.all()}
    chains = set(heads) | set(AuditEvent.objects.values_list("chain", flat=True).distinct())
    for key in sorted(chains):
        breach = _verify_chain(key, heads.get(key))
        if breach is not None:
            yield breach


def _verify_chain(key: str, head: AuditChain | None) -> Breach | None:
    expected_sequence = 1
    previous_hash = ""
    for event in AuditEvent.objects.filter(chain=key).order_by("sequence").iterator():
        if event.sequence != expected_sequence:
            return Breach(
                key,
                expected_sequence,
                None,
                f"missing: the trail jumps from #{expected_sequence - 1} to #{event.sequence}",
            )
        if event.prev_hash != previous_hash:
            return Breach(key, event.sequence, event.pk, "does not follow the event before it")
        if event_hash(event) != event.hash:
            return Breach(key, event.sequence, event.pk, "was changed after it was recorded")
        previous_hash = event.hash
        expected_sequence += 1
    last = expected_sequence - 1
    if head is None:
        return Breach(key, last, None, "the chain has no head record")
    if head.last_sequence != last or head.last_hash != previous_hash:
        return Breach(
            key,
            head.last_sequence,
            None,
            f"missing: the trail ends at #{last} but #{head.last_sequence} was recorded",
        )
    return None
