"""The threat catalogue in the admin, where the platform admin keeps it current.

The platform admin (a staff account with the platform-admin sector role) may edit threats and
their norm weights without being a superuser. Threats are not deleted: a deleted shipped threat
would come back with the next `load_threats`, so it is retired by unticking "active" instead.
Every change is written to the platform's audit trail, because the weights move the priority of
every board's gaps.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from kompas.audit.models import AuditAction
from kompas.audit.services import audit_record
from kompas.boards.access import has_sector_role
from kompas.boards.roles import SectorRole
from kompas.core.forms import TextCheckMixin
from kompas.frameworks.models import Norm
from kompas.plans.models import Threat, ThreatNorm
from kompas.plans.threats import links_text

WEIGHT_CHOICES = [
    (1, _("1 · helps somewhat")),
    (2, _("2 · helps clearly")),
    (3, _("3 · helps decisively")),
]


def is_platform_admin(request: HttpRequest) -> bool:
    return has_sector_role(request.user, SectorRole.PLATFORM_ADMIN)


class ThreatNormForm(TextCheckMixin, forms.ModelForm[ThreatNorm]):
    """A link checked like the catalogue file: a known norm code and a weight of 1-3."""

    weight = forms.TypedChoiceField(label=_("weight"), choices=WEIGHT_CHOICES, coerce=int)

    class Meta:
        model = ThreatNorm
        fields = ("norm_code", "weight")

    def clean_norm_code(self) -> str:
        code = str(self.cleaned_data["norm_code"]).strip()
        # An unknown code (usually a typo) would silently give the threat no weight at all.
        if not Norm.objects.filter(code=code).exists():
            raise forms.ValidationError(_("No imported framework has a norm with this code."))
        return code


class ThreatNormInline(admin.TabularInline[ThreatNorm, Threat]):
    model = ThreatNorm
    form = ThreatNormForm
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_view_permission(request, obj) or is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) or is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) or is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) or is_platform_admin(request)


@admin.register(Threat)
class ThreatAdmin(admin.ModelAdmin[Threat]):
    list_display = ("name", "code", "position", "is_active", "linked_norms")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "description", "norms__norm_code")
    inlines = (ThreatNormInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Threat]:
        return super().get_queryset(request).prefetch_related("norms")

    @admin.display(description=_("norms (weight)"))
    def linked_norms(self, threat: Threat) -> str:
        return links_text({link.norm_code: link.weight for link in threat.norms.all()})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or is_platform_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Threat | None = None) -> bool:
        return super().has_view_permission(request, obj) or is_platform_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or is_platform_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Threat | None = None) -> bool:
        return super().has_change_permission(request, obj) or is_platform_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Threat | None = None) -> bool:
        return False

    def save_related(
        self,
        request: HttpRequest,
        form: forms.ModelForm[Threat],
        formsets: list[BaseInlineFormSet[Any, Any, Any]],
        change: bool,  # noqa: FBT001 - Django's signature
    ) -> None:
        """Save the links, then audit the threat's fields and links as one event."""
        threat = form.instance
        before = _links_of(threat) if change else ""
        super().save_related(request, form, formsets, change)
        changes = {
            name: [form.initial.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
        }
        after = _links_of(threat)
        if after != before:
            changes["norms"] = [before or None, after]
        if changes:
            audit_record(
                action=AuditAction.UPDATE if change else AuditAction.CREATE,
                actor=request.user,
                obj=threat,
                changes=changes,
            )


def _links_of(threat: Threat) -> str:
    links = ThreatNorm.objects.filter(threat=threat).order_by("norm_code")
    return links_text({link.norm_code: link.weight for link in links})
