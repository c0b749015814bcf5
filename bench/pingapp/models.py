from django.db import models


class Ping(models.Model):
    """One row per ping: the cheapest write a request through the API can make."""

    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return f"ping {self.pk}"
