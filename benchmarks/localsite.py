"""Serving a generated benchmark site on 127.0.0.1, as cheaply as this machine allows.

On a 2-core machine the site's server competes with the crawl for the CPU, so a Python server
(about 1 ms of CPU a request) takes a large share of what is measured. nginx (Debian's
`nginx-light` or `nginx`; `apt-get install nginx-light`) serves the same static files for a
fraction of that; when it is missing the project's own demo server is used. Every benchmark
prints which one served, since figures from the two are not comparable.

    with serve_static(root) as (base_url, server_name):
        ...
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[1]

NGINX_CONF = """daemon off;
master_process off;
worker_processes 1;
user root;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log error;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    types {{ text/html html; application/rss+xml xml; text/plain txt; }}
    default_type text/html;
    charset utf-8;
    keepalive_requests 100000;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited at start (code {proc.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{what} did not start listening on 127.0.0.1:{port}")


@contextmanager
def serve_static(root: Path, prefer_nginx: bool = True) -> Iterator[tuple[str, str, int]]:
    """Serve `root` (a site of static files, no {{BASE}} substitution needed) on 127.0.0.1:
    yields (base URL, server name, server pid)."""
    nginx = shutil.which("nginx") or (Path("/usr/sbin/nginx").is_file() and "/usr/sbin/nginx")
    if prefer_nginx and nginx:
        with tempfile.TemporaryDirectory(prefix="nc-bench-nginx-") as tmp:
            port = _free_port()
            conf = Path(tmp) / "nginx.conf"
            conf.write_text(NGINX_CONF.format(tmp=tmp, port=port, root=Path(root).resolve()))
            proc = subprocess.Popen([nginx, "-c", str(conf), "-p", tmp], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            try:
                _wait_for(port, proc, "nginx")
                yield f"http://127.0.0.1:{port}", "nginx", proc.pid
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        return
    serve = ("import sys, time\nfrom newscrawl.demo.server import serve_site\n"
             "server = serve_site(sys.argv[1])\nprint(server.base_url, flush=True)\ntime.sleep(10**6)\n")
    proc = subprocess.Popen([sys.executable, "-c", serve, str(root)], cwd=str(REPO), stdout=subprocess.PIPE, text=True)
    try:
        yield proc.stdout.readline().strip(), "newscrawl demo server (Python)", proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=10)
