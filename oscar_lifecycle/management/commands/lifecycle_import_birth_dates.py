import csv
from datetime import date

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oscar_lifecycle.contacts import contact_for, normalize_email
from oscar_lifecycle.exceptions import InvalidContactEmail
from oscar_lifecycle.models import Contact


class Command(BaseCommand):
    help = (
        "Import birth dates from a CSV file with the columns email and birth_date (YYYY-MM-DD). "
        "Only known customers and contacts are updated: an import never adds people to mail."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="Path of the CSV file (UTF-8, with a header row).")

    def handle(self, *args, csv_file, **options):
        try:
            with open(csv_file, newline="", encoding="utf-8-sig") as source:
                rows = list(csv.DictReader(source))
        except OSError as error:
            raise CommandError(f"Cannot read {csv_file}: {error}") from None
        if rows and not {"email", "birth_date"} <= set(rows[0]):
            raise CommandError("The CSV file needs the columns email and birth_date.")
        updated, problems = 0, []
        with transaction.atomic():
            for line_number, row in enumerate(rows, start=2):
                problem = self.import_row(row)
                if problem:
                    problems.append(f"line {line_number}: {problem}")
                else:
                    updated += 1
        for problem in problems:
            self.stderr.write(problem)
        self.stdout.write(f"{updated} birth dates imported, {len(problems)} lines skipped.")

    def import_row(self, row):
        """Set one contact's birth date; return why the row was skipped, or ""."""
        try:
            email = normalize_email(row["email"])
            birth_date = date.fromisoformat((row["birth_date"] or "").strip())
        except InvalidContactEmail:
            return f"{row['email']!r} is not an email address"
        except ValueError:
            return f"{row['birth_date']!r} is not a date (YYYY-MM-DD)"
        if not date(1900, 1, 1) <= birth_date <= date.today():
            return f"{birth_date} is not a plausible birth date"
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is not None:
            contact = contact_for(email, user=user)
        else:
            contact = Contact.objects.filter(email=email).first()
        if contact is None:
            return f"{email} is neither a customer nor a contact"
        contact.birth_date = birth_date
        contact.save(update_fields=["birth_date"])
        return ""
