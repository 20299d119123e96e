"""The ready-made lifecycle programme: journeys a shop reviews and publishes, in English and French."""
