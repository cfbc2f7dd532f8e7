"""Polling ingestion: list the bucket's inbox and submit every object version not seen before.

What was submitted is remembered in the database (``seen_objects``: bucket,
key, etag), so a restarted watcher picks up where it stopped and a replaced
file (new etag) counts as new. Listing is paginated (``Bucket.list``); a
multipart upload shows up once it is complete. Submitting comes before
remembering: a crash in between submits an object twice, which the run key
turns into a no-op, rather than never.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pipeline.bucket import INBOX, Bucket
from pipeline.store import Store

log = logging.getLogger(__name__)


def scan(bucket: Bucket, store: Store, submit: Callable[[str], object], seen: set[tuple[str, str]]) -> list[str]:
    """One pass over the inbox; returns the keys submitted. ``seen`` is updated in place."""
    submitted = []
    for obj in bucket.list(INBOX):
        if (obj.key, obj.etag) in seen:
            continue
        submit(obj.key)
        store.mark_seen(bucket.uri, obj.key, obj.etag, obj.size)
        seen.add((obj.key, obj.etag))
        submitted.append(obj.key)
    return submitted


def watch(
    bucket: Bucket,
    store: Store,
    submit: Callable[[str], object],
    interval: float = 5.0,
    once: bool = False,
    stop: threading.Event | None = None,
) -> int:
    """Scan every ``interval`` seconds until ``stop`` is set (or once). Returns how many objects were submitted."""
    stop = stop or threading.Event()
    seen = store.seen_keys(bucket.uri)
    total = 0
    while True:
        try:
            total += len(scan(bucket, store, submit, seen))
        except Exception:  # a flaky listing or broker: try again next round rather than die
            if once:
                raise
            log.exception("scan of %s failed; retrying in %ss", bucket.uri, interval)
        if once or stop.wait(interval):
            return total
