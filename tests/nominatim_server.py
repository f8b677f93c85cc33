"""A real HTTP server on loopback that answers /search like Nominatim, for geopy to talk to.

Modes: "normal" answers from the places added; "slow" sleeps past the client's timeout first;
"garbage" answers with something that is not JSON; `down()` closes the port (connection refused)
and `up()` listens on the same port again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False


class FakeNominatim:
    """A Nominatim stand-in: `add()` places, point geopy at `domain`, read `requests` after."""

    def __init__(self, slow_seconds: float = 2.0):
        self.mode = "normal"
        self.slow_seconds = slow_seconds
        self.places: dict[str, list[dict]] = {}
        self.requests: list[dict[str, list[str]]] = []
        self.port = 0
        self._server: _Server | None = None
        self._next_id = 1000

    @property
    def domain(self) -> str:
        return f"127.0.0.1:{self.port}"

    def add(
        self,
        query: str,
        *,
        lat: float,
        lon: float,
        display_name: str,
        osm_type: str = "relation",
        osm_id: int = 1,
        type: str = "suburb",
        category: str = "place",
        boundingbox: tuple[float, float, float, float] | None = None,
    ) -> dict:
        """Answer `query` (case-insensitive) with one place in jsonv2's fields."""
        self._next_id += 1
        d = 0.005
        south, north, west, east = boundingbox or (lat - d, lat + d, lon - d, lon + d)
        result = {
            "place_id": self._next_id,
            "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
            "osm_type": osm_type,
            "osm_id": osm_id,
            "lat": str(lat),
            "lon": str(lon),
            "category": category,
            "class": category,
            "type": type,
            "place_rank": 20,
            "importance": 0.4,
            "addresstype": type,
            "name": display_name.split(",")[0],
            "display_name": display_name,
            "boundingbox": [str(south), str(north), str(west), str(east)],
        }
        self.places.setdefault(query.casefold(), []).append(result)
        return result

    def start(self) -> None:
        self._server = _Server(("127.0.0.1", self.port), self._handler())
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def down(self) -> None:
        """Stop listening: connecting to the port is refused until `up()`."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def up(self) -> None:
        if self._server is None:
            self.start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                url = urlsplit(self.path)
                params = parse_qs(url.query)
                fake.requests.append({"path": [url.path], **params})
                if fake.mode == "slow":
                    time.sleep(fake.slow_seconds)
                if url.path not in {"/search", "/search.php"}:
                    self._send(404, b"[]")
                elif fake.mode == "garbage":
                    self._send(200, b"<html>502 Bad Gateway</html>")
                else:
                    query = params.get("q", [""])[0].casefold()
                    self._send(200, json.dumps(fake.places.get(query, [])).encode())

            def _send(self, status: int, body: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the slow mode's timeout)

            def log_message(self, format: str, *args) -> None:
                pass

        return Handler


@contextmanager
def running_nominatim(slow_seconds: float = 2.0) -> Iterator[FakeNominatim]:
    """A started fake Nominatim, closed afterwards."""
    fake = FakeNominatim(slow_seconds)
    fake.start()
    try:
        yield fake
    finally:
        fake.down()
