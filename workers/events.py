"""HTTP endpoint for S3/MinIO bucket event notifications (``docloop events``).

MinIO's webhook target and S3 (through SNS/EventBridge to HTTP) POST the S3
event JSON (``{"Records": [{"eventName": "s3:ObjectCreated:Put", "s3": {...}}]}``).
Delivery is at least once, may repeat and may come out of order, which is fine
here: an event only says "look at this key"; the ingest step reads the object's
*current* bytes and the run key (content hash) makes a repeat a no-op. The
reply is 200 only once every record is enqueued; anything else makes the
sender try again.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote_plus

from pipeline.bucket import INBOX, S3Bucket
from pipeline.store import Store
from pipeline.telemetry.metrics import CONTENT_TYPE_LATEST, exposition

log = logging.getLogger(__name__)


class EventReceiver:
    """Turns event records into ``submit(key)`` calls for new inbox objects of our bucket."""

    def __init__(self, bucket: S3Bucket, store: Store, submit: Callable[[str], object]):
        self.bucket, self.store, self.submit = bucket, store, submit

    def handle(self, payload: dict[str, Any]) -> int:
        """Returns how many objects were submitted."""
        submitted = 0
        for record in payload.get("Records") or []:
            if "ObjectCreated" not in record.get("eventName", ""):
                continue  # removals and the rest: originals are never ours to act on
            s3 = record.get("s3", {})
            obj = s3.get("object", {})
            # keys arrive URL-encoded (spaces as "+")
            key = self.bucket.key_of(s3.get("bucket", {}).get("name", ""), unquote_plus(obj.get("key", "")))
            if key is None or not key.startswith(INBOX):
                continue
            etag = str(obj.get("eTag") or obj.get("etag") or "").strip('"')
            if etag and self.store.is_seen(self.bucket.uri, key, etag):
                continue
            self.submit(key)
            if etag:
                self.store.mark_seen(self.bucket.uri, key, etag, int(obj.get("size") or 0))
            submitted += 1
        return submitted


def make_server(receiver: EventReceiver, host: str, port: int, token: str | None = None) -> ThreadingHTTPServer:
    """The HTTP server (not yet serving): POST any path with an event, GET /health."""

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path.split("?")[0] == "/metrics":
                data = exposition(lambda: receiver.store)
                self.send_response(HTTPStatus.OK)
                self.send_header("Content-Type", CONTENT_TYPE_LATEST)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                return
            self._reply(HTTPStatus.OK, {"ok": True})

        def do_HEAD(self) -> None:  # noqa: N802
            self.send_response(HTTPStatus.OK)
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            if token and not hmac.compare_digest(self.headers.get("Authorization", ""), f"Bearer {token}"):
                return self._reply(HTTPStatus.UNAUTHORIZED, {"error": "bad token"})
            try:
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            except ValueError:
                payload = None
            if not isinstance(payload, dict):
                return self._reply(HTTPStatus.BAD_REQUEST, {"error": "body is not a JSON event"})
            try:
                submitted = receiver.handle(payload)
            except Exception as e:  # broker or database down: the sender keeps the event and retries
                log.exception("event not taken")
                return self._reply(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(e)})
            self._reply(HTTPStatus.OK, {"submitted": submitted})

        def log_message(self, format: str, *args: Any) -> None:
            log.debug(format, *args)

    return ThreadingHTTPServer((host, port), Handler)
