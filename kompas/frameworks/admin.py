"""Frameworks in the admin are read-only: versions are created by import_framework only."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from kompas.frameworks.models import Domain, Framework, FrameworkVersion, Norm


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(Framework)
class FrameworkAdmin(ReadOnlyAdmin):
    list_display = ("name", "slug", "created_at")


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = (
        "title",
        "version",
        "framework",
        "target_level",
        "generic_criteria",
        "imported_at",
    )
    list_filter = ("framework",)
    exclude = ("checksum",)


@admin.register(Domain)
class DomainAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "part", "framework_version")
    list_filter = ("framework_version",)


@admin.register(Norm)
class NormAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "domain", "confirmed", "framework_version")
    list_filter = ("framework_version", "confirmed")
    search_fields = ("code", "title")
    exclude = ("search_text",)
