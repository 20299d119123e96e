from django.db import models


class ScanRun(models.Model):
    """When a scan trigger last ran: the runner starts it again once its interval has passed."""

    trigger = models.CharField(max_length=50, unique=True)
    last_run_at = models.DateTimeField()

    def __str__(self):
        return f"{self.trigger} at {self.last_run_at}"


class JourneyScan(models.Model):
    """When a journey's scan last completed, written with the enrollments it made: the next scan
    looks only at what became due since (a basket left, a browse ended), so that it costs what
    changed in those minutes, not the shop's whole history."""

    journey = models.OneToOneField("oscar_lifecycle.Journey", on_delete=models.CASCADE, related_name="+")
    scanned_at = models.DateTimeField()

    def __str__(self):
        return f"{self.journey} scanned at {self.scanned_at}"


class SegmentMember(models.Model):
    """A contact in the segment of a journey that starts when contacts enter it, as its last
    scan saw: the next scan enrolls who is in the segment now and was not then."""

    journey = models.ForeignKey("oscar_lifecycle.Journey", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("oscar_lifecycle.Contact", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["journey", "contact"], name="lifecycle_segment_member")]

    def __str__(self):
        return f"{self.contact} in the segment of {self.journey} since {self.since}"
