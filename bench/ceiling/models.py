from django.db import models


class Row(models.Model):
    """What the one-row view inserts."""

    note = models.CharField(max_length=40)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.note
