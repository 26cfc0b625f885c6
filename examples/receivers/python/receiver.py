"""A complete InstantTranscriber webhook receiver in Python, standard library
only. Run it as written:

    CALLBACK_SECRET=whsec_... PORT=8000 python3 receiver.py

and create jobs with callback_url=http://this-host:8000/hook and the same
callback_secret. Each verified event is printed as one JSON line.
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ.get("CALLBACK_SECRET", "")
TOLERANCE = 300  # seconds; reject older (replayed) messages
seen = set()  # webhook-id values already handled (keep them in a database)


def signing_key(secret: str) -> bytes:
    # whsec_ secrets carry base64 key bytes; plain secrets are UTF-8 bytes.
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode()


def verify(headers, body: bytes) -> bool:
    msg_id = headers.get("webhook-id", "")
    ts = headers.get("webhook-timestamp", "")
    if not msg_id or not ts.isdigit() or abs(time.time() - int(ts)) > TOLERANCE:
        return False
    mac = hmac.new(signing_key(SECRET), f"{msg_id}.{ts}.".encode() + body, hashlib.sha256)
    expected = base64.b64encode(mac.digest()).decode()
    for sig in headers.get("webhook-signature", "").split():
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        if self.path != "/hook":
            self.send_response(404)
            self.end_headers()
            return
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        if not verify(self.headers, body):
            self.send_response(400)
            self.end_headers()
            return
        msg_id = self.headers["webhook-id"]
        if msg_id not in seen:
            seen.add(msg_id)
            event = json.loads(body)
            print(json.dumps({"webhook_id": msg_id, "id": event["id"], "status": event["status"]}), flush=True)
        self.send_response(204)  # answer quickly; do slow work after
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = HTTPServer(("127.0.0.1", int(os.environ.get("PORT", "8000"))), Hook)
    print(f"listening on {server.server_address[1]}", file=sys.stderr, flush=True)
    server.serve_forever()
