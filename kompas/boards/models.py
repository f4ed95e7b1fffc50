"""Boards (schoolbesturen), their schools, opt-in groups, and who belongs to them in what role."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kompas.boards.roles import BoardRole, SectorRole

bg_number_validator = RegexValidator(
    r"^\d{5}\Z", _("A bevoegd-gezagnummer has exactly five digits, e.g. 41234.")
)
brin_validator = RegexValidator(
    r"^\d{2}[A-Z]{2}(\d{2})?\Z",
    _("A BRIN code is two digits and two capital letters, optionally with a two-digit site."),
)


class Sector(models.TextChoices):
    PO = "PO", _("Primary education (PO)")
    VO = "VO", _("Secondary education (VO)")
    SO = "SO", _("Special primary education (SO)")
    VSO = "VSO", _("Special secondary education (VSO)")


class Province(models.TextChoices):
    GRONINGEN = "GR", "Groningen"
    FRIESLAND = "FR", "Friesland"
    DRENTHE = "DR", "Drenthe"
    OVERIJSSEL = "OV", "Overijssel"
    FLEVOLAND = "FL", "Flevoland"
    GELDERLAND = "GE", "Gelderland"
    UTRECHT = "UT", "Utrecht"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"
    ZEELAND = "ZE", "Zeeland"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    LIMBURG = "LI", "Limburg"


class ContributorScope(models.TextChoices):
    """What the board's contributors may edit (BRIEF 3): the coordinator decides per board."""

    ALL = "all", _("Every norm and measure")
    ASSIGNED = "assigned", _("Only the norms assigned to them and the measures they own")


class Board(models.Model):
    name = models.CharField(_("name"), max_length=200)
    bg_number = models.CharField(
        _("bevoegd-gezagnummer"), max_length=5, unique=True, validators=[bg_number_validator]
    )
    pupil_count = models.PositiveIntegerField(_("number of pupils"), default=0)
    region = models.CharField(_("region"), max_length=2, choices=Province.choices, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    contributors_edit = models.CharField(
        _("contributors may edit"),
        max_length=10,
        choices=ContributorScope.choices,
        default=ContributorScope.ALL,
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("board")
        verbose_name_plural = _("boards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(bg_number__regex=r"^[0-9]{5}$"), name="board_bg_number_5_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BoardSector(models.Model):
    """A sector a board serves; a board can serve several (PO and SO, say)."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="sectors")
    sector = models.CharField(_("sector"), max_length=3, choices=Sector.choices)

    class Meta:
        ordering = ("sector",)
        constraints = [
            models.UniqueConstraint(fields=["board", "sector"], name="boardsector_unique"),
        ]

    def __str__(self) -> str:
        return self.sector


class School(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="schools")
    brin = models.CharField(_("BRIN code"), max_length=6, unique=True, validators=[brin_validator])
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ("name",)
        verbose_name = _("school")
        verbose_name_plural = _("schools")

    def __str__(self) -> str:
        return f"{self.brin} {self.name}"


class Group(models.Model):
    """An opt-in group of boards, such as a region cooperating on joint procurement."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("group")
        verbose_name_plural = _("groups")

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="group_memberships")
    shares_named_results = models.BooleanField(_("shares named results"), default=False)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "board"], name="groupmembership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.board} in {self.group}"


class Membership(models.Model):
    """A person's role on a board. One role per person per board."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=BoardRole.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    ends_on = models.DateField(
        _("ends on"), null=True, blank=True, help_text=_("For time-boxed roles such as auditors.")
    )

    class Meta:
        ordering = ("board__name", "role")
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "board"], name="membership_unique_user_board"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.board}"


class SectorAssignment(models.Model):
    """A sector role; a regional coordinator holds it for one group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sector_assignments"
    )
    role = models.CharField(_("role"), max_length=24, choices=SectorRole.choices)
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="coordinators"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sector role")
        verbose_name_plural = _("sector roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(group__isnull=True),
                name="sectorassignment_unique_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "group"],
                condition=models.Q(group__isnull=False),
                name="sectorassignment_unique_group_role",
            ),
            models.CheckConstraint(
                condition=models.Q(role="regional_coordinator", group__isnull=False)
                | (~models.Q(role="regional_coordinator") & models.Q(group__isnull=True)),
                name="sectorassignment_group_only_for_regional",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class Invitation(models.Model):
    """A single-use, expiring invitation to join a board in a role."""

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=BoardRole.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.board} ({self.role})"
