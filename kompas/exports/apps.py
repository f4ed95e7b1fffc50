from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """A board's complete export, its check and its restore (`export_board`, `import_board`)."""

    name = "kompas.exports"
    label = "exports"
    verbose_name = "Board export and restore"
