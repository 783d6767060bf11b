"""``python -m twin``: the ``twin`` command (see ``twin --help``)."""

from ._cli import run

run()
