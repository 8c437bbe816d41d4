"""MkDocs hook: the CLI reference is generated from the CLI itself at build time."""

from __future__ import annotations

import argparse
from typing import Any

from busetting.cli import build_parser


def _help(parser: argparse.ArgumentParser) -> str:
    return parser.format_help().replace("\t", "    ")


def cli_reference() -> str:
    parser = build_parser()
    parts = ["```text", _help(parser).rstrip(), "```"]
    for action in parser._actions:  # the subcommands, in their order
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                parts += [f"\n## busetting {name}\n", "```text", _help(sub).rstrip(), "```"]
    return "\n".join(parts)


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    if "<!-- cli-reference -->" in markdown:
        return markdown.replace("<!-- cli-reference -->", cli_reference())
    return markdown
