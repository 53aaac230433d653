"""The one background process: enqueues due periodic jobs and works the django-tasks database queue."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand
from django_tasks_db.management.commands.db_worker import Worker

from emergency.core.scheduler import enqueue_due


class Command(BaseCommand):
    help = "Run scheduled jobs and background tasks (no broker needed). Use --once for a single pass."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=5.0, help="seconds between passes")

    def handle(self, *args, once: bool, interval: float, **options):
        self.stop = threading.Event()
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        while not self.stop.is_set():
            started = enqueue_due()
            if started:
                self.stdout.write(f"enqueued: {', '.join(started)}")
            Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                   max_tasks=None, worker_id="run_jobs", excluded_queue_names=[]).run()
            if once:
                break
            self.stop.wait(interval)  # a signal ends the wait at once

    def _stop(self, *args):
        self.stop.set()
