"""gunicorn settings of `make run` (scripts/run.sh passes this file with -c; the bind address is
given on its command line) and of ``bench/checkin.py``.

Workers for a 2-core machine: two processes (one per core; each holds the GIL while it computes),
each with four threads (``gthread``), so that eight requests are in flight while others wait on
PostgreSQL — a commit waits for its WAL flush — and HTTP/1.1 connections stay open between a
device's requests (``keepalive`` seconds). Override on the command line (``--workers``,
``--threads``) for a bigger machine.

A request line may be 8190 bytes, gunicorn's maximum (default 4094): a search of a few hundred
Chinese characters (9 bytes each once percent-encoded) reaches the application, which answers
with a clear message when a query value is longer than it accepts (``ltc/web/odd_input.py``),
instead of gunicorn's raw "Request Line is too large" page.
"""
limit_request_line = 8190
worker_class = "gthread"
workers = 2
threads = 4
keepalive = 5
