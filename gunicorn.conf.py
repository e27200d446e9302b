"""gunicorn settings of `make run` (scripts/run.sh passes this file with -c; the bind address
and the worker count are given on its command line).

A request line may be 8190 bytes, gunicorn's maximum (default 4094): a search of a few hundred
Chinese characters (9 bytes each once percent-encoded) reaches the application, which answers
with a clear message when a query value is longer than it accepts (``ltc/web/odd_input.py``),
instead of gunicorn's raw "Request Line is too large" page.
"""
limit_request_line = 8190
