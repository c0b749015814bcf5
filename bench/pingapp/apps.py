from django.apps import AppConfig


class PingAppConfig(AppConfig):
    name = "bench.pingapp"
    label = "bench_pingapp"
    default_auto_field = "django.db.models.BigAutoField"
