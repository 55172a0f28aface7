"""`memo targets`: filled in by the targets work (issue 6)."""

from __future__ import annotations

import argparse


def add_targets_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                      as_json: argparse.ArgumentParser) -> None:
    """Adds the subcommands to the parser."""


TARGETS_HANDLERS: dict = {}
