"""`manage.py rescore_queue`: retrain the screening model and rescore the moderation queue now
(what the task worker does after decisions and imports), for a site run without the worker."""

from django.core.management.base import BaseCommand

from papers.curation.screening_queue import rescore


class Command(BaseCommand):
    help = "Retrain the screening model on the approved and rejected papers and score every pending paper."

    def handle(self, *args, **options):
        approved, rejected, scored = rescore()
        self.stdout.write(f"Trained on {approved} approved and {rejected} rejected papers; scored {scored} pending.")
