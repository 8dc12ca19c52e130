from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Scale data and measurements: `manage.py seed_scale` and `manage.py bench` (no models)."""

    name = "bench"
    verbose_name = "Benchmarks"
