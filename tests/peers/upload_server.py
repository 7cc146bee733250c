#!/usr/bin/env python3
"""A small HTTP server for sipprobe's upload test, on loopback only.

POST /ok       -> 200, body saved
POST /flaky    -> 500 the first time, then 200 (body saved)
POST /auth     -> 401 unless "Authorization: Bearer s3cret" is sent
Every request is logged (path, status, headers of interest) to DIR/log.
Exits by itself after --max-seconds.
"""
import argparse
import http.server
import os
import threading

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--dir", required=True)
parser.add_argument("--max-seconds", type=int, default=60)
args = parser.parse_args()
seen = {"flaky": 0, "saved": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        path = self.path
        status = 404
        if path == "/ok":
            status = 200
        elif path == "/flaky":
            seen["flaky"] += 1
            status = 500 if seen["flaky"] == 1 else 200
        elif path == "/auth":
            ok = self.headers.get("Authorization") == "Bearer s3cret"
            status = 200 if ok else 401
        if status == 200:
            seen["saved"] += 1
            with open(os.path.join(args.dir, "body-%d" % seen["saved"]), "wb") as f:
                f.write(body)
        with open(os.path.join(args.dir, "log"), "a") as f:
            f.write("%s %d %s %s\n" % (path, status, self.headers.get("Content-Type"),
                                       self.headers.get("Authorization")))
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        self.wfile.write(b"token required\n" if status == 401 else b"ok\n")


server = http.server.HTTPServer(("127.0.0.1", args.port), Handler)
threading.Timer(args.max_seconds, server.shutdown).start()
open(os.path.join(args.dir, "ready"), "w").close()
server.serve_forever()
