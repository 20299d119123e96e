import getpass

from django.core.management.base import BaseCommand, CommandError

from oscar_lifecycle.engine.held import Resolution, held_messages, resolve

ACTIONS = {"delivered": Resolution.DELIVERED, "send_again": Resolution.SEND_AGAIN, "skip": Resolution.SKIP}


class Command(BaseCommand):
    help = (
        "List the lifecycle emails held for review (their send may or may not have reached the ESP), "
        "or resolve them: --delivered (it went: the journey goes on), --send-again, or --skip, "
        "for the message ids given, or --all of them."
    )

    def add_arguments(self, parser):
        parser.add_argument("message_ids", nargs="*", type=int, help="Ids of held messages (see the list).")
        decision = parser.add_mutually_exclusive_group()
        decision.add_argument("--delivered", dest="action", action="store_const", const="delivered",
                              help="They were delivered: count them as sent, their journeys go on.")
        decision.add_argument("--send-again", dest="action", action="store_const", const="send_again",
                              help="Send them again at the next pass of the runner.")
        decision.add_argument("--skip", dest="action", action="store_const", const="skip",
                              help="Skip their step: their journeys go on without it.")
        parser.add_argument("--all", action="store_true", help="Every held message.")

    def handle(self, *args, message_ids=(), action=None, all=False, **options):
        if action is None:
            if message_ids or all:
                raise CommandError("Say what happened: --delivered, --send-again or --skip.")
            return self._list()
        if not (message_ids or all):
            raise CommandError("Give the ids of held messages, or --all.")
        ids = list(held_messages().values_list("pk", flat=True)) if all else message_ids
        by = f"{getpass.getuser()} (manage.py lifecycle_held)"
        resolved = [message_id for message_id in ids if resolve(message_id, ACTIONS[action], by=by)]
        not_held = sorted(set(ids) - set(resolved))
        self.stdout.write(f"{len(resolved)} held messages resolved ({action.replace('_', ' ')}).")
        if not_held:
            self.stderr.write(f"Not held (unknown, or resolved already): {', '.join(map(str, not_held))}")

    def _list(self):
        held = list(held_messages().select_related("journey").prefetch_related("events"))
        if not held:
            self.stdout.write("No message is held.")
            return
        for message in held:
            events = ", ".join(event.kind for event in message.events.all()) or "no ESP event"
            where = message.journey.name if message.journey else message.get_kind_display()
            self.stdout.write(
                f"{message.pk}\t{message.to_email}\t{where}: {message.subject}\t"
                f"handed over {message.handed_over_at or message.created_at:%Y-%m-%d %H:%M}\t"
                f"ESP id {message.esp_message_id or '-'}\t{events}\t{message.reason}"
            )
        self.stdout.write(f"{len(held)} held. Resolve with --delivered, --send-again or --skip, and ids or --all.")
