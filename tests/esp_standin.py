"""A Postmark API stand-in on 127.0.0.1, for anymail's real Postmark backend (requests, HTTP,
timeouts): it keeps every email it accepted, and can refuse, drop the connection, or keep an
email and never answer (the answer lost after the request left)."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Mode:
    ACCEPT = "accept"  # 200, the email is kept
    REFUSE = "refuse"  # 503 Service Unavailable: not kept
    KEEP_AND_HANG = "keep and hang"  # kept, and no answer until the stand-in stops
    KEEP_AND_DROP = "keep and drop"  # kept, then the connection is closed without an answer


class PostmarkStandIn:
    def __init__(self):
        self.mode = Mode.ACCEPT
        self.accepted = []  # the JSON payloads of the emails it kept
        self.released = threading.Event()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if standin.mode == Mode.REFUSE:
                    return self._answer(503, {"ErrorCode": 100, "Message": "Service unavailable"})
                standin.accepted.append(payload)
                if standin.mode == Mode.KEEP_AND_HANG:
                    standin.released.wait(30)
                    return None
                if standin.mode == Mode.KEEP_AND_DROP:
                    self.close_connection = True
                    return None
                return self._answer(200, {"To": payload["To"], "SubmittedAt": "2026-12-04T10:00:00Z",
                                          "MessageID": str(uuid.uuid4()), "ErrorCode": 0, "Message": "OK"})

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.released.set()
        self.server.shutdown()
        self.server.server_close()

    def recipients(self):
        return [payload["To"] for payload in self.accepted]
