"""Settings for the benchmark's servers: the product's, plus the bench-only ping app.

`migrate` under these settings creates the ping table in the bench database only.
"""

from aftersales.settings import *  # noqa: F403 - the product's settings, unchanged
from aftersales.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "bench.pingapp"]
ROOT_URLCONF = "bench.urls"
