from typing import Any

from kompas.boards.roles import MFA_BOARD_ROLES


def requires_mfa(user: Any) -> bool:
    """Executives, coordinators, privacy officers, every sector role and staff need a 2nd factor."""
    if user.is_staff or user.is_superuser:
        return True
    if user.sector_assignments.exists():
        return True
    return bool(user.memberships.filter(is_active=True, role__in=list(MFA_BOARD_ROLES)).exists())
