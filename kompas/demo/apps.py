from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data (`seed_demo`, `seed_sector`): above every other app."""

    name = "kompas.demo"
    label = "demo"
    verbose_name = "Demo and synthetic data"
