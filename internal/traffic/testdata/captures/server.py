"""A small HTTP/1.1 server for the capture fixtures: it reads each
request's body (Content-Length or chunked) and answers 200 with JSON."""
import http.server
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    return
                self.rfile.read(size + 2)
        n = int(self.headers.get("Content-Length", "0"))
        if n:
            self.rfile.read(n)

    def answer(self):
        self.body()
        out, ctype = b'{"code":0}', "application/json"
        if self.path == "/app.html":
            with open("app.html", "rb") as f:
                out, ctype = f.read(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = answer

    def log_message(self, *args):
        pass


host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
http.server.ThreadingHTTPServer((host, int(sys.argv[1])), Handler).serve_forever()
