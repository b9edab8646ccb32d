"""A bare Django site, for benchmarks only: the framework's ceiling on this machine.

One view answers "ok", one inserts one row; served by gunicorn like the site under test, they
say how far the site's own figures are from what Django and the database give at best.
"""
