"""Settings of the `lifecycle_run` processes campaign_benchmark.py starts: the test settings on
PostgreSQL, in the benchmark's database (BENCHMARK_DB_NAME), sending to the simulated ESP."""

import os

os.environ["LIFECYCLE_TEST_DB"] = "postgresql"

from tests.settings import *  # noqa: E402,F401,F403
from tests.settings import DATABASES, OSCAR_LIFECYCLE  # noqa: E402

DATABASES["default"]["NAME"] = os.environ["BENCHMARK_DB_NAME"]
EMAIL_BACKEND = "benchmarks.simulated_esp.SimulatedEsp"
OSCAR_LIFECYCLE = {**OSCAR_LIFECYCLE, "PRESSURE_CAP": None}
