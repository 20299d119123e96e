"""Campaigns (newsletters): one email to the contacts of segments, sent once or on a schedule,
through the same dispatcher as journey steps (claim, Message, consent, suppression, quiet hours,
pressure). Each campaign owns a one-step journey; each send freezes its audience into
enrollments of that journey when it starts."""
