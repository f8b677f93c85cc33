"""Production settings for the load test, with static files collected into the run's directory."""

import os
from pathlib import Path

from newsmap.settings import *  # noqa: F403 - the production settings, unchanged but for this

STATIC_ROOT = Path(os.environ["NEWSMAP_LOADTEST_STATIC_ROOT"])
