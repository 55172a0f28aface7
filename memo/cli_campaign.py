"""`memo campaign`: filled in by the campaign work (issue 6)."""

from __future__ import annotations

import argparse


def add_campaign_commands(sub, common: argparse.ArgumentParser, dated: argparse.ArgumentParser,  # noqa: ANN001
                      as_json: argparse.ArgumentParser) -> None:
    """Adds the subcommands to the parser."""


CAMPAIGN_HANDLERS: dict = {}
