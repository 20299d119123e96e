"""The live server of the browser tests answers one request at a time.

On the suite's in-memory SQLite, the live server's threads share the test's one database
connection: two requests at once (a preview's POST beside the iframe's GET) interleaved their
savepoints on it ("no such savepoint") and one of them answered 500. Requests still come in on
threads of their own (a browser keeps several connections open); only the application is one at a
time.
"""

import threading

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class OneRequestAtATimeServer(ThreadedWSGIServer):
    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


def serve_one_request_at_a_time():
    LiveServerThread.server_class = OneRequestAtATimeServer
