"""``TWIN_LOG``: turn on the SDK's logs from the environment.

The native core logs each request (method, path, status, attempt, elapsed time; never bodies,
never keys) to the standard ``logging`` logger ``"twin"``. Configure that logger as usual, or
set ``TWIN_LOG=debug`` (``trace``, ``debug``, ``info``, ``warning``, ``error``) to give it
that level and, if it has no handler yet, one that prints to stderr.
"""

from __future__ import annotations

import os

_LEVELS = {"trace": 5, "debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40}


def setup() -> None:
    value = os.environ.get("TWIN_LOG", "").strip().lower()
    if not value:
        return
    level = _LEVELS.get(value)
    if level is None:
        return
    import logging

    logger = logging.getLogger("twin")
    logger.setLevel(level)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(levelname)s %(name)s] %(message)s"))
        logger.addHandler(handler)
