"""Frameworks as versioned data: framework -> version -> part -> domain -> norm.

A version is written once, by the importer (services.import_framework), and never changed
afterwards: self-evaluations, plans and monitoring rounds refer to its norms.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LEVELS = range(1, 6)


class Framework(models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ("name",)
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(_("version"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("language"), max_length=10, default="nl")
    released_on = models.DateField(_("released on"), null=True, blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    notice = models.TextField(_("notice"), blank=True)
    target_level = models.PositiveSmallIntegerField(_("target level"), default=3)
    # True when the level criteria of every norm are the framework's general score
    # definitions (a CISO Assistant library has no norm-specific criteria).
    generic_criteria = models.BooleanField(_("generic level criteria"), default=False)
    # The urn of the framework in CISO Assistant's library format, where it is not the one
    # derived from slug and version (docs/ciso-assistant.md).
    external_urn = models.CharField(_("external urn"), max_length=300, blank=True)
    checksum = models.CharField(_("content checksum"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ("framework__name", "-imported_at")
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="frameworkversion_unique_version"
            ),
            models.CheckConstraint(
                condition=models.Q(target_level__gte=1, target_level__lte=5),
                name="frameworkversion_target_level_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.version}"

    def get_absolute_url(self) -> str:
        return reverse("frameworks:catalogue", args=[self.framework.slug, self.version])


class MaturityLevel(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="levels"
    )
    level = models.PositiveSmallIntegerField(_("level"))
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ("level",)
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "level"], name="maturitylevel_unique_level"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="maturitylevel_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.name}"


class GrowthPhase(models.Model):
    """A phase of the growth path (groeipad): bounded steps towards the target level."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="growth_phases"
    )
    number = models.PositiveSmallIntegerField(_("phase"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ("number",)
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "number"], name="growthphase_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Part(models.Model):
    """A part of a version, such as information security or privacy."""

    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="parts"
    )
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "code"], name="part_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name


class Domain(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="domains"
    )
    part = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=20)
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    # Role names per RACI key: accountable, responsible, consulted and informed.
    responsibility = models.JSONField(_("responsibility matrix"), default=dict, blank=True)
    confirmed = models.BooleanField(_("code and name confirmed"), default=False)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["framework_version", "code"], name="domain_unique_code"
            ),
            models.UniqueConstraint(fields=["part", "number"], name="domain_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    def get_absolute_url(self) -> str:
        version = self.framework_version
        return reverse(
            "frameworks:domain", args=[version.framework.slug, version.version, self.code]
        )


class Norm(models.Model):
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="norms"
    )
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="norms")
    code = models.CharField(_("code"), max_length=32)
    title = models.CharField(_("title"), max_length=300)
    statement = models.TextField(_("statement"))
    why = models.TextField(_("why this is needed"))
    confirmed = models.BooleanField(_("code and title confirmed"), default=False)
    growth_phase = models.ForeignKey(
        GrowthPhase, on_delete=models.PROTECT, null=True, blank=True, related_name="norms"
    )
    position = models.PositiveIntegerField(_("position"))
    # The urn of the requirement in a CISO Assistant library, where it is not the derived one.
    external_urn = models.CharField(_("external urn"), max_length=300, blank=True)
    # Lower-cased, accent-free text of code, title and body, so that search behaves the same
    # on SQLite and PostgreSQL with a plain LIKE.
    search_text = models.TextField(editable=False)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(fields=["framework_version", "code"], name="norm_unique_code"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    def get_absolute_url(self) -> str:
        version = self.framework_version
        return reverse("frameworks:norm", args=[version.framework.slug, version.version, self.code])


class LevelCriterion(models.Model):
    """What a board has in place at this level for this norm; levels are cumulative."""

    norm = models.ForeignKey(Norm, on_delete=models.CASCADE, related_name="criteria")
    level = models.PositiveSmallIntegerField(_("level"))
    text = models.TextField(_("criterion"))

    class Meta:
        ordering = ("level",)
        constraints = [
            models.UniqueConstraint(fields=["norm", "level"], name="levelcriterion_unique_level"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="levelcriterion_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.norm.code} level {self.level}"


class ExampleMeasure(models.Model):
    """A suggested step towards the target level; the improvement plan offers these."""

    norm = models.ForeignKey(Norm, on_delete=models.CASCADE, related_name="example_measures")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("example measure"))

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["norm", "position"], name="examplemeasure_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class NormReference(models.Model):
    """A related law or standard, e.g. standard "AVG", clause "art. 33"."""

    norm = models.ForeignKey(Norm, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(_("position"))
    standard = models.CharField(_("standard"), max_length=100)
    clause = models.CharField(_("clause"), max_length=100)

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["norm", "position"], name="normreference_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard} {self.clause}"


class Relationship(models.TextChoices):
    """How a norm of one version relates to a norm of another (after NIST OLIR's types).

    Read as "the source norm is ... the target norm": `subset` means the source asks part of
    what the target asks, `superset` that it asks more. `removed` and `new` stand for a norm
    without a counterpart on the other side.
    """

    EQUAL = "equal", _("equal")
    SUBSET = "subset", _("subset")
    SUPERSET = "superset", _("superset")
    INTERSECTS = "intersects", _("intersects")
    REMOVED = "removed", _("removed")
    NEW = "new", _("new")


PAIRED = (Relationship.EQUAL, Relationship.SUBSET, Relationship.SUPERSET, Relationship.INTERSECTS)


class Mapping(models.Model):
    """How the norms of one framework version correspond to those of another.

    Written once by the importer (kompas.frameworks.mappings) and never changed: the periods
    started through it record what it carried (docs/mapping-format.md).
    """

    source = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="mappings_from"
    )
    target = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="mappings_to"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    checksum = models.CharField(_("content checksum"), max_length=64)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        ordering = ("-imported_at",)
        verbose_name = _("mapping")
        verbose_name_plural = _("mappings")
        constraints = [
            models.UniqueConstraint(fields=["source", "target"], name="mapping_once_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")), name="mapping_two_versions"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"


class MappingPair(models.Model):
    """One line of a mapping: two norms and their relationship, or a removed or a new norm."""

    mapping = models.ForeignKey(Mapping, on_delete=models.CASCADE, related_name="pairs")
    source_norm = models.ForeignKey(
        Norm, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_norm = models.ForeignKey(
        Norm, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    note = models.TextField(_("note"), blank=True)
    position = models.PositiveIntegerField(_("position"))

    class Meta:
        ordering = ("position",)
        constraints = [
            models.UniqueConstraint(
                fields=["mapping", "source_norm", "target_norm"], name="mappingpair_once"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(
                        relationship="removed",
                        source_norm__isnull=False,
                        target_norm__isnull=True,
                    )
                    | models.Q(
                        relationship="new", source_norm__isnull=True, target_norm__isnull=False
                    )
                    | models.Q(
                        relationship__in=[choice.value for choice in PAIRED],
                        source_norm__isnull=False,
                        target_norm__isnull=False,
                    )
                ),
                name="mappingpair_sides_match_relationship",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_norm or '-'} {self.relationship} {self.target_norm or '-'}"
