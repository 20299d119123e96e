"""PostgreSQL's JIT compilation turned off for a block's statements: for the large statements of
scans and segment counts, compiling the plan costs more than it saves (0.4 to 1.4 s a scan; 2 s
of the 2.8 s a five-rule segment took over 100,000 contacts: benchmarks/segment_benchmark.py)."""

from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def jit_off():
    """Run the block without JIT on PostgreSQL, in the transaction under way or in one of its
    own (``SET LOCAL`` ends with the transaction; no savepoint is made); elsewhere, as it is."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
