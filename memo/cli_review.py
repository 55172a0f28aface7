"""`memo review`: filled in by the review work (issue 6)."""

from __future__ import annotations

import argparse


def add_review_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                      as_json: argparse.ArgumentParser) -> None:
    """Adds the subcommands to the parser."""


REVIEW_HANDLERS: dict = {}
