"""The sample app the demo deploys: a web server saying hello."""

import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"Hello from Scalingo\n")


if __name__ == "__main__":
    HTTPServer(("", int(os.environ.get("PORT", "8000"))), Hello).serve_forever()
