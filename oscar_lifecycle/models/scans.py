from django.db import models


class ScanRun(models.Model):
    """When a scan trigger last ran: the runner starts it again once its interval has passed."""

    trigger = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return f"{self.trigger} at {self.last_run_at}"
