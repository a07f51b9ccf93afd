"""Test helpers: a flaky local HTTP server with Range support, and a writer of real RAR 4 archives."""
from __future__ import annotations

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FlakyServer:
    """Serves `files` ({url path: bytes}) on 127.0.0.1 with HTTP Range; the first `cuts` requests
    of a file stop after `cut_at` of its bytes, as a dropped connection does."""

    def __init__(self, files: dict[str, bytes], cut_at: float | None = None, cuts: int = 1):
        self.files, self.cut_at, self.cuts_left, self.requests = files, cut_at, cuts, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.requests.append((self.path, self.headers.get("Range")))
                data = server.files.get(self.path)
                if data is None:
                    self.send_error(404)
                    return
                start = 0
                if self.headers.get("Range"):
                    start = int(self.headers["Range"].removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data) - start))
                self.end_headers()
                end = len(data)
                if server.cut_at is not None and server.cuts_left > 0:
                    server.cuts_left -= 1
                    end = max(start + 1, int(len(data) * server.cut_at))
                self.wfile.write(data[start:end])
                self.wfile.flush()
                if end < len(data):
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _block(head_type: int, flags: int, body: bytes) -> bytes:
    header = struct.pack("<BHH", head_type, flags, 7 + len(body)) + body
    return struct.pack("<H", zlib.crc32(header) & 0xFFFF) + header


def rar4_archive(members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> bytes:
    """A RAR 4 archive of stored (uncompressed) members, which rarfile reads without external tools."""
    out = [b"Rar!\x1a\x07\x00", _block(0x73, 0, b"\x00" * 6)]
    entries = [(name, data, 0o100644) for name, data in members.items()]
    entries += [(name, target.encode(), 0o120777) for name, target in (symlinks or {}).items()]
    for name, data, mode in entries:
        encoded = name.replace("/", "\\").encode()
        body = struct.pack("<IIBIIBBHI", len(data), len(data), 3, zlib.crc32(data), 0x5A000000, 20, 0x30,
                           len(encoded), mode) + encoded
        out.append(_block(0x74, 0x8000, body) + data)
    out.append(_block(0x7B, 0x4000, b""))
    return b"".join(out)
