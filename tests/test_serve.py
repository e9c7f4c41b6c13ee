"""`mkdocs serve` while writing: it watches the code the pages run, and a
warning does not stop it (MkDocs' strict mode would leave the server stuck
until the fault is fixed); `mkdocs build --strict` stays the gate."""

from __future__ import annotations

import logging

import yaml
from mkdocs.config import load_config
from mkdocs.utils import CountHandler

from sitebuild import ROOT


def test_serve_watches_snippets_and_sitekit():
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)
    assert {"snippets", "sitekit"} <= set(config["watch"])


def _strict_counter_left(command: str) -> bool:
    """Run the hook as MkDocs does for `command`, after build() has attached
    strict mode's warning counter; whether the counter is still attached."""
    from sitekit import hooks

    mkdocs_log = logging.getLogger("mkdocs")
    counter = CountHandler()
    mkdocs_log.addHandler(counter)
    try:
        hooks.on_startup(command=command, dirty=False)
        hooks.on_config(load_config(str(ROOT / "mkdocs.yml")))
        return counter in mkdocs_log.handlers
    finally:
        mkdocs_log.removeHandler(counter)
        hooks.on_startup(command="build", dirty=False)


def test_a_warning_does_not_stop_serve_but_fails_build():
    assert not _strict_counter_left("serve")
    assert _strict_counter_left("build")
