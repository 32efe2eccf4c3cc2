#!/usr/bin/env python3
"""A minimal Algotask algorithm service: counts the words of a text and upper-cases it.

docs/contract.md: an invocation is answered 202 at once (section 3); a thread reads the input and
writes the output through their presigned URLs, reports progress and calls back (section 4).
Standard library only: python3 service.py --port 8095
"""
import argparse
import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

accepted, cancelled, lock = set(), set(), threading.Lock()  # (taskId, attempt) pairs


def send(method, url, body=None, token=None, content_type="application/json"):
    """One HTTP request; the answer's body, or urllib's HTTPError for an answer that is not 2xx."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", content_type)
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return answer.read()


def work(invocation):
    attempt, callback, output = invocation["attempt"], invocation["callback"], invocation["output"]
    progress_url = callback["url"].removesuffix("/callback") + "/progress"
    try:
        text = send("GET", invocation["input"]["url"]).decode("utf-8")
        words = len(text.split())
        progress = {"attempt": attempt, "percent": 50, "message": f"{words} words"}
        send("POST", progress_url, progress, token=callback["token"])
        result = json.dumps({"words": words, "text": text.upper()}).encode("utf-8")
        send("PUT", output["uploadUrl"], result)
        report = {"attempt": attempt, "status": "SUCCEEDED",
                  "output": {"uri": output["uri"], "contentType": "application/json",
                             "sizeBytes": len(result)}}
    except Exception as error:  # reported to Algotask, which tries the task again
        report = {"attempt": attempt, "status": "FAILED",
                  "error": {"code": "EXAMPLE_FAILED", "message": str(error), "retryable": True}}
    for delay in (1, 2, 4, 8, 0):  # the callback is what counts: try it again on a failure
        with lock:
            if (invocation["taskId"], attempt) in cancelled:
                return
        try:
            send("POST", callback["url"], report, token=callback["token"])
            return
        except urllib.error.HTTPError as refused:
            if refused.code < 500:  # 409: the attempt is over; 4xx: a retry would not help
                return
        except OSError:
            pass
        time.sleep(delay)


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            key = (body["taskId"], body["attempt"])
        except (ValueError, KeyError, TypeError):
            return self.answer(400, {"error": "not an invocation"})
        if self.path == "/invoke":
            with lock:
                new = key not in accepted
                accepted.add(key)
            if new:
                threading.Thread(target=work, args=(body,), daemon=True).start()
            return self.answer(202, {"status": "accepted"})
        if self.path == "/cancel":
            with lock:
                cancelled.add(key)
            return self.answer(202, {"status": "cancelled"})
        self.answer(404, {"error": "no such path"})

    def do_GET(self):
        self.answer(200, {"status": "UP"}) if self.path == "/health" else self.answer(404, {})

    def answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--host", default="127.0.0.1")
    arguments.add_argument("--port", type=int, default=8095)
    options = arguments.parse_args()
    ThreadingHTTPServer((options.host, options.port), Handler).serve_forever()
