from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """The load benchmark's ceiling view and its table: installed by ``benchmarks.settings`` only, never in
    production."""

    name = "benchmarks"
    label = "benchmarks"
    verbose_name = "Benchmarks"
    default_auto_field = "django.db.models.BigAutoField"
