"""Real Celery workers killed at random still send every due step exactly once.

Four Celery workers (tests/chaos_worker.py) run the dispatcher's beat task,
``oscar_lifecycle.run``, from a Redis broker on the test's PostgreSQL database,
while the test plays beat (a task every half second) and, every 0.5 to 2 seconds,
SIGKILLs the process in which a random worker (one at work, if any is) runs its
tasks, until no enrollment is active. Their ESP stand-in writes each email it
accepts to a log on disk before answering, so the log is the truth a kill cannot
erase: no message, and no step of a contact, is in it twice; every message the
database calls sent is in it; every line in it is a message the database calls
sent, or held (a kill landed mid-send: the outcome is unknown, and a person
decides). No step is lost: each is sent, held, or waits behind a held step of its
enrollment, which is held for review.

LIFECYCLE_CHAOS_STEPS sets the number of steps (default 1,000; 10,000 for the
full run).
"""

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from celery import Celery
from anymail.signals import AnymailTrackingEvent, EventType, tracking
from django.db import connection, transaction
from django.utils import timezone

from oscar_lifecycle.engine.enroll import enroll
from oscar_lifecycle.models import Enrollment, Message
from tests.shop import create_journey, subscriber

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="needs PostgreSQL: worker processes share the test database"),
    pytest.mark.django_db(transaction=True),
]

BROKER_URL = "redis://127.0.0.1:6379/14"
WORKERS = 4
STEPS = int(os.environ.get("LIFECYCLE_CHAOS_STEPS", "1000"))
STEPS_PER_JOURNEY = 2
BEAT_INTERVAL = 0.5
TICK = 0.1
SECONDS_BETWEEN_KILLS = (0.5, 2.0)
TIMEOUT = 120 + STEPS * 0.1  # generous: 1,000 steps take about 15 s on an idle 2-core machine
REPOSITORY = Path(__file__).resolve().parent.parent


class ChaosWorkers:
    """Celery workers, each running its tasks in one prefork pool process: the process the
    killer shoots, and that the worker replaces at once, as a supervisor restarts a killed one
    (a new worker would take seconds to start Django, longer than the time between kills)."""

    def __init__(self, esp_log, folder):
        self.folder = folder
        self.state = folder / "state"
        self.state.mkdir()
        self.environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.chaos_worker",
            "LIFECYCLE_TEST_DB": "postgresql",
            "PGDATABASE": connection.settings_dict["NAME"],
            "CHAOS_BROKER_URL": BROKER_URL,
            "CHAOS_ESP_LOG": str(esp_log),
            "CHAOS_STATE_DIR": str(self.state),
        }
        self.processes = []
        self.kills = 0
        self.kills_mid_task = 0

    def start(self, count):
        for number in range(count):
            with open(self.folder / f"worker{number}.log", "ab") as output:
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-m", "celery", "-A", "tests.chaos_worker", "worker", "--pool=prefork",
                     "--concurrency=1", "--loglevel=warning", f"--hostname=chaos{number}@%h",
                     "--without-heartbeat", "--without-gossip", "--without-mingle"],
                    cwd=REPOSITORY, env=self.environment, stdout=output, stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: stop_all() ends its pool process too
                ))

    def pool_processes(self):
        """The process ids of the pool processes of the workers taking tasks for a second at least
        (a pool process killed before its worker's first loop stops the worker)."""
        ready_before = time.time() - 1
        return [
            int(pid)
            for worker in self.processes
            if (ready := self.state / f"ready-{worker.pid}").exists() and ready.stat().st_mtime < ready_before
            for pid in Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
        ]

    def kill_one(self):
        """SIGKILL the pool process of a random worker, one at work if any is (where a kill
        hurts); return False when no worker has a pool process yet."""
        pool_processes = self.pool_processes()
        if not pool_processes:
            return False
        at_work = [pid for pid in pool_processes if (self.state / f"running-{pid}").exists()]
        pid = random.choice(at_work or pool_processes)
        os.kill(pid, signal.SIGKILL)
        self.kills += 1
        if at_work:
            self.kills_mid_task += 1
            (self.state / f"running-{pid}").unlink(missing_ok=True)  # unless it unlinked it as it died
        return True

    def check_none_died(self):
        for number, worker in enumerate(self.processes):
            if worker.poll() is not None:
                log = (self.folder / f"worker{number}.log").read_text()[-3000:]
                pytest.fail(f"worker {number} exited ({worker.returncode}):\n{log}")

    def stop_all(self):
        for worker in self.processes:
            with contextlib.suppress(ProcessLookupError):  # a group whose processes all died
                os.killpg(worker.pid, signal.SIGKILL)
        for worker in self.processes:
            worker.wait()


def run_until_nothing_is_active(workers, beat):
    """Send the beat task every BEAT_INTERVAL and kill a worker's process every 0.5 to 2 s,
    until no enrollment is active; return the seconds it took."""
    started = time.monotonic()
    next_beat, next_kill = started, started + random.uniform(*SECONDS_BETWEEN_KILLS)
    while Enrollment.objects.filter(state=Enrollment.State.ACTIVE).exists():
        workers.check_none_died()
        now = time.monotonic()
        assert now - started < TIMEOUT, (
            f"after {TIMEOUT:.0f} s, {Enrollment.objects.filter(state=Enrollment.State.ACTIVE).count()} "
            f"enrollments are still active ({workers.kills} kills); worker logs in {workers.folder}"
        )
        if now >= next_beat:
            beat.send_task("oscar_lifecycle.run")
            next_beat = now + BEAT_INTERVAL
        if now >= next_kill and workers.kill_one():
            next_kill = now + random.uniform(*SECONDS_BETWEEN_KILLS)
        time.sleep(TICK)
    return time.monotonic() - started


def read_esp_log(esp_log):
    """The ESP's record: one (message id, recipient, step id) per email it accepted."""
    if not esp_log.exists():
        return []
    records = []
    for line in esp_log.read_text().splitlines():
        message_id, recipient, step_tag = line.split()
        records.append((int(message_id), recipient, int(step_tag.removeprefix("step:"))))
    return records


def repeated(values):
    return {value: count for value, count in Counter(values).items() if count > 1}


def outcome_problem(state, messages, steps):
    """What is wrong with an enrollment that ended in ``state`` with ``messages`` ((step id,
    status), in the journey's order) when its journey has ``steps``; None when nothing is."""
    if [step for step, _ in messages] != steps[:len(messages)]:
        return "a step was skipped"
    if state == Enrollment.State.COMPLETED:
        return None if messages == [(step, Message.Status.SENT) for step in steps] else "completed, not all sent"
    if state == Enrollment.State.HELD:
        # Its last message is the held one (or sent: by a runner that had lost its claim to the
        # runner that held the step when it found the message already there).
        went_on = any(status != Message.Status.SENT for _, status in messages[:-1])
        return "went on after a hold" if went_on else None
    return f"ended {state}"


def test_workers_killed_at_random_send_every_due_step_exactly_once(tmp_path):
    esp_log = tmp_path / "esp.log"
    broker = redis.Redis.from_url(BROKER_URL)
    broker.flushdb()
    beat = Celery("chaos_beat", broker=BROKER_URL, set_as_current=False)
    workers = ChaosWorkers(esp_log, tmp_path)
    try:
        workers.start(WORKERS)  # Django takes them seconds to start: the contacts enroll meanwhile
        with transaction.atomic():  # one commit: the workers find every step due at once
            journey = create_journey(steps=[{"delay_hours": 0}] * STEPS_PER_JOURNEY)
            for number in range(STEPS // STEPS_PER_JOURNEY):
                enroll("registration", subscriber(f"chaos{number}@example.com"))
        elapsed = run_until_nothing_is_active(workers, beat)
    finally:
        workers.stop_all()
        broker.flushdb()
        beat.close()

    accepted = read_esp_log(esp_log)
    accepted_ids = [message_id for message_id, _, _ in accepted]
    accepted_once = set(accepted_ids)
    status_of = dict(Message.objects.values_list("pk", "status"))
    sent = {pk for pk, status in status_of.items() if status == Message.Status.SENT}
    held = {pk for pk, status in status_of.items() if status == Message.Status.HELD}
    steps = [step.pk for step in journey.ordered_steps()]
    messages_by_enrollment = {}
    for enrollment_id, step_id, status in sorted(
        Message.objects.values_list("enrollment_id", "step_id", "status"), key=lambda row: steps.index(row[1])
    ):
        messages_by_enrollment.setdefault(enrollment_id, []).append((step_id, status))
    enrollments = list(Enrollment.objects.values_list("pk", "state", "reason"))
    waiting_behind_held = sum(len(steps) - len(messages_by_enrollment.get(pk, []))
                              for pk, state, _ in enrollments if state == Enrollment.State.HELD)
    print(f"\nchaos: {STEPS} steps in {elapsed:.1f} s: {len(sent)} sent, {len(held)} held "
          f"({len(held & accepted_once)} of them reached the ESP), {waiting_behind_held} waiting behind a "
          f"held step; {workers.kills} kills of {WORKERS} workers, {workers.kills_mid_task} of them at work")

    assert workers.kills_mid_task > 0, "no worker was killed at work: the run proves nothing"
    assert repeated(accepted_ids) == {}, "the ESP got the same message twice"
    assert repeated((recipient, step) for _, recipient, step in accepted) == {}, (
        "a contact got the same step twice"
    )
    assert sent - accepted_once == set(), "messages marked sent that the ESP never got"
    assert {pk: status_of.get(pk) for pk in accepted_once - sent - held} == {}, (
        "the ESP got messages that are neither sent nor held"
    )
    assert set(status_of.values()) <= {Message.Status.SENT, Message.Status.HELD}
    assert {
        pk: (state, reason, messages_by_enrollment.get(pk, []))
        for pk, state, reason in enrollments
        if outcome_problem(state, messages_by_enrollment.get(pk, []), steps)
    } == {}, "enrollments whose messages do not match how they ended"
    assert len(sent) + len(held) + waiting_behind_held == STEPS, "steps were lost"

    # The ESP reports each email it accepted (a "delivered" webhook naming the message by its id in
    # the metadata): every held message it has is released, and what stays held never reached it.
    for message_id, recipient, _ in accepted:
        tracking.send(sender=object, esp_name="Chaos", event=AnymailTrackingEvent(
            event_type=EventType.DELIVERED, message_id=f"chaos-{message_id}", recipient=recipient,
            metadata={"lifecycle_message": str(message_id)}, timestamp=timezone.now()))
    still_held = set(Message.objects.filter(status=Message.Status.HELD).values_list("pk", flat=True))
    print(f"chaos: after the ESP's delivery reports, {len(still_held)} held (none reached the ESP), "
          f"{len(held) - len(still_held)} released")
    assert still_held == held - accepted_once, "a message the ESP reported is still held, or one it never got left"
    released = Enrollment.objects.filter(messages__pk__in=held & accepted_once)
    assert not released.filter(state=Enrollment.State.HELD).exists(), "a released message's journey still waits"
