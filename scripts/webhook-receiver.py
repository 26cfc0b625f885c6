#!/usr/bin/env python3
"""webhook-receiver.py DIR SECRET: a loopback webhook receiver for test-image.sh.

Listens on 127.0.0.1 on a free port, which it writes to DIR/port. Each POST
is answered 204 and saved as DIR/<n>.json: its headers, its body and whether
its Standard Webhooks signature verifies with SECRET (whsec_...), checked as
docs/webhooks.md describes. Stops on SIGTERM.
"""
import base64
import hashlib
import hmac
import http.server
import json
import os
import sys

out, secret = sys.argv[1], sys.argv[2]
key = base64.b64decode(secret[len("whsec_"):])


def verified(headers, body):
    msg = f"{headers.get('webhook-id')}.{headers.get('webhook-timestamp')}.".encode() + body
    want = base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()
    for sig in headers.get("webhook-signature", "").split():
        version, _, value = sig.partition(",")
        if version == "v1" and hmac.compare_digest(value, want):
            return True
    return False


class Handler(http.server.BaseHTTPRequestHandler):
    n = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        headers = {k.lower(): v for k, v in self.headers.items()}
        Handler.n += 1
        rec = {"path": self.path, "headers": headers, "body": json.loads(body),
               "verified": verified(headers, body)}
        tmp = os.path.join(out, f".{Handler.n}.tmp")
        with open(tmp, "w") as f:
            json.dump(rec, f)
        os.rename(tmp, os.path.join(out, f"{Handler.n}.json"))
        self.send_response(204)
        self.end_headers()

    def log_message(self, fmt, *args):
        sys.stderr.write("receiver: " + fmt % args + "\n")


srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
with open(os.path.join(out, ".port"), "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(os.path.join(out, ".port"), os.path.join(out, "port"))
srv.serve_forever()
