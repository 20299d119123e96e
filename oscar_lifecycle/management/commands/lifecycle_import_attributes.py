import csv

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from oscar_lifecycle.attribute_values import parse_value, set_values
from oscar_lifecycle.contact_address import refresh_contact_addresses
from oscar_lifecycle.contacts import contact_for, normalize_email
from oscar_lifecycle.exceptions import InvalidContactEmail
from oscar_lifecycle.models import Contact, ContactAttribute

EMAIL = "email"


class Command(BaseCommand):
    help = (
        "Set contacts' declared attributes from a CSV file whose header holds email and attribute keys "
        "(an empty cell leaves a value as it is). Every row is checked first: one bad row refuses the "
        "whole file. Unknown addresses are refused, or created as contacts with --create-contacts "
        "(source: imported, consent: asked, never granted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("csv_file", help="Path of the CSV file (UTF-8, with a header row).")
        parser.add_argument("--create-contacts", action="store_true",
                            help="Create the addresses no contact has (consent asked, not granted).")

    def handle(self, *args, csv_file, create_contacts=False, **options):
        try:
            with open(csv_file, newline="", encoding="utf-8-sig") as source:
                reader = csv.DictReader(source)
                header, rows = list(reader.fieldnames or []), list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {csv_file}: {error}") from None
        attributes = self.attributes_of(header)
        known = self.known_addresses(rows)
        parsed, problems = [], []
        for line_number, row in enumerate(rows, start=2):
            email, values, row_problems = self.parse_row(row, attributes, known, create_contacts)
            problems += [f"line {line_number}: {problem}" for problem in row_problems]
            parsed.append((email, values))
        if problems:
            raise CommandError("Nothing was imported; put these rows right and import the file again:\n"
                               + "\n".join(problems))
        with transaction.atomic():
            created = self.write(parsed, known)
        self.stdout.write(f"{len(parsed)} contacts updated, {created} of them created.")

    def attributes_of(self, header):
        if EMAIL not in header:
            raise CommandError("The CSV file needs an email column.")
        keys = [key for key in header if key != EMAIL]
        attributes = {attribute.key: attribute for attribute in ContactAttribute.objects.filter(key__in=keys)}
        unknown = [key for key in keys if key not in attributes]
        if unknown:
            raise CommandError(f"No attribute has the key {', '.join(unknown)}: nothing was imported.")
        return attributes

    def known_addresses(self, rows):
        """{address: user or None} of the file's addresses that a contact or an account has."""
        emails = {(row.get(EMAIL) or "").strip().lower() for row in rows}
        known = dict.fromkeys(Contact.objects.filter(email__in=emails).values_list("email", flat=True))
        for user in get_user_model().objects.filter(email__in=emails):
            known[user.email.lower()] = user
        return known

    def parse_row(self, row, attributes, known, create_contacts):
        """The row's address, its {attribute: value} and what is wrong with it."""
        problems = []
        try:
            email = normalize_email(row.get(EMAIL))
        except InvalidContactEmail:
            return None, {}, [f"{row.get(EMAIL)!r} is not an email address"]
        if email not in known and not create_contacts:
            problems.append(f"{email} is not a contact (--create-contacts creates it)")
        values = {}
        for key, attribute in attributes.items():
            if not (row.get(key) or "").strip():
                continue
            try:
                values[attribute] = parse_value(attribute, row[key])
            except ValueError as error:
                problems.append(f"{key}: {error}")
        return email, values, problems

    def write(self, parsed, known):
        """Store the values; return how many contacts were created (an account's among them: the
        shop knew the address, so it comes as a registered contact, its consent untouched)."""
        created, imported = [], []
        contact_ids = dict(Contact.objects.filter(email__in=[email for email, _values in parsed])
                           .values_list("email", "pk"))
        for email, _values in parsed:
            if email in contact_ids:
                continue
            user = known.get(email)
            contact = contact_for(email, user=user, source=None if user else Contact.Source.IMPORT)
            contact_ids[email] = contact.pk
            created.append(contact.pk)
            if user is None:
                imported.append(contact.pk)
        Contact.objects.filter(pk__in=imported, consent=Contact.Consent.UNKNOWN).update(
            consent=Contact.Consent.PENDING)
        if created:
            refresh_contact_addresses(Contact.objects.filter(pk__in=created))
        set_values([(contact_ids[email], attribute, value)
                    for email, values in parsed for attribute, value in values.items()])
        return len(created)
