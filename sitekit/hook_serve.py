"""`mkdocs serve` while writing: a warning is printed (page and line) and the
server keeps going; `mkdocs build --strict` stays the gate.

Strict mode would abort the rebuild, and `mkdocs serve` stops answering
after an aborted rebuild until the fault is fixed.
"""

from __future__ import annotations

import logging

from mkdocs.utils import CountHandler


def keep_serving_on_warnings() -> None:
    """Detach strict mode's warning counter (build() attached it before on_config)."""
    mkdocs_log = logging.getLogger("mkdocs")
    for handler in [h for h in mkdocs_log.handlers if isinstance(h, CountHandler)]:
        mkdocs_log.removeHandler(handler)
