"""`aftersales reports rebuild|refresh`: the report summaries by hand.

The worker refreshes the summaries from the timeline on every pass. `rebuild` recomputes them
from every case — after a restore, a bulk change made outside the services, or to pick up an
event committed later than the refresh re-reads; `refresh` runs one worker pass's refresh now.
"""

import json

from django.core.management.base import BaseCommand

from aftersales.reports.services import summaries_rebuild, summaries_refresh


class Command(BaseCommand):
    help = "Rebuild the report summaries from every case, or refresh them from the timeline."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "refresh"])

    def handle(self, *args, action: str, **options):
        if action == "rebuild":
            counts = {"cases_read": summaries_rebuild()}
        else:
            counts = {"cases_changed": summaries_refresh()}
        self.stdout.write(json.dumps(counts))
