"""Settings of the load benchmark (``make loadtest``): the production settings, read from the environment as
usual, plus the ceiling view and its table. Never used in production.

The load test raises the public form's rate limits and sets its minimum fill time to zero through their
environment variables (see ``benchmarks/load.py``), not here, so that this module changes nothing but the URLs."""

from qms.settings import *  # noqa: F403
from qms.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "benchmarks"]
ROOT_URLCONF = "benchmarks.urls"
