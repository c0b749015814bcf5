"""`aftersales worker`: the background process (docs/architecture.md "Background work").

It lives in the cases app, next to the SLA sweep it runs. It runs django-tasks-db's task loop
and, every --sweep-every seconds, the SLA sweep (X2, S3.4) and the outbox delivery; once an
hour it removes orphaned upload files (a day old, no row). SIGTERM/SIGINT finish the current
task or sweep and exit cleanly. `--once` does one sweep, one delivery pass and the tasks that
are ready, prints the counts as JSON and exits (for tests and cron).
"""

import json
import logging
import time
import uuid
from collections.abc import Callable

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from aftersales.cases.services.attachments import attachment_orphans_remove
from aftersales.cases.services.sla import sla_sweep
from aftersales.core import cache
from aftersales.notify.services import message_deliver_due

log = logging.getLogger("aftersales.worker")


# Orphaned upload files are looked for once an hour: the walk reads every file's name.
ORPHAN_SWEEP_SECONDS = 3600.0
_orphans_due = [0.0]

# Passes that apps above cases add to every maintenance pass from their AppConfig.ready (the
# report summaries): name → a callable returning its count. Registering keeps the worker free
# of imports of those apps.
MAINTENANCE_PASSES: dict[str, Callable[[], object]] = {}


def maintenance_pass() -> dict:
    """One SLA sweep and one outbox delivery pass, and when due the removal of upload files
    that no attachment row names; returns their counts. The pass is one cache scope: the
    policies and the calendar it reads are checked once, not once per case."""
    with cache.scope():
        counts = {"sla": sla_sweep(), "outbox": message_deliver_due(limit=500)}
        if time.monotonic() >= _orphans_due[0]:
            counts["orphan_files"] = attachment_orphans_remove()
            _orphans_due[0] = time.monotonic() + ORPHAN_SWEEP_SECONDS
        for name, run in MAINTENANCE_PASSES.items():
            counts[name] = run()
    return counts


class Command(BaseCommand):
    help = "Run background tasks, the SLA sweep and the notification outbox."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true",
                            help="One sweep + delivery pass and the ready tasks, then exit.")
        parser.add_argument("--sweep-every", type=float, default=60.0,
                            help="Seconds between SLA sweeps / outbox passes (default 60).")
        parser.add_argument("--interval", type=float, default=1.0,
                            help="Seconds to wait when no task is ready (default 1).")
        parser.add_argument("--queue-name", default="default",
                            help="Task queue(s), comma-separated.")
        parser.add_argument("--backend", default="default", help="Task backend name.")

    def _worker(self, options) -> Worker:
        return Worker(queue_names=options["queue_name"].split(","), interval=0, batch=True,
                      backend_name=options["backend"], startup_delay=False, max_tasks=None,
                      worker_id=f"aftersales-{uuid.uuid4().hex[:12]}", excluded_queue_names=[])

    def _maintenance(self, worker: Worker) -> dict:
        worker.running_task = True  # a signal now lets the pass finish instead of exiting
        try:
            return maintenance_pass()
        finally:
            worker.running_task = False

    def handle(self, *args, **options):
        worker = self._worker(options)
        if options["once"]:
            counts = self._maintenance(worker)
            worker.run()
            self.stdout.write(json.dumps(counts, sort_keys=True))
            return
        worker.configure_signals()
        next_sweep = 0.0
        while worker.running:
            if time.monotonic() >= next_sweep:
                try:
                    counts = self._maintenance(worker)
                    log.info("maintenance: %s", counts)
                except Exception:  # keep the worker alive; the next pass retries
                    log.exception("maintenance pass failed")
                next_sweep = time.monotonic() + options["sweep_every"]
            if not worker.running:
                break
            worker.run()  # every ready task, then back here
            close_old_connections()
            if worker.running:
                time.sleep(options["interval"])
        self.stdout.write("worker stopped")
