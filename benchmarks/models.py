from django.db import models
from django.utils import timezone


class CeilingRow(models.Model):
    """One row the ceiling view inserts: the least a form submission can write."""

    text = models.CharField("text", max_length=200)
    created_at = models.DateTimeField("created at", default=timezone.now)

    class Meta:
        app_label = "benchmarks"
        verbose_name = "ceiling row"
        verbose_name_plural = "ceiling rows"

    def __str__(self) -> str:
        return self.text
