"""``import``, ``extract`` and ``search``: the article archive from the command line."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    del sub, common  # filled in by the article-core work
