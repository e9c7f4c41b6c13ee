"""What a reader might use instead of the site's snippets, for each activation.

Each registry entry's `references` (sitekit/entries.py): for the function and
its derivative, the library equivalent first (scipy.special where it has one),
then a NumPy one-liner, then the naive textbook formula. The benchmark times
the snippets against these, and the accuracy page measures them against the
same oracle as the snippets.
"""

from __future__ import annotations

from sitekit.registry import REGISTRY

# A view for code that still reads the name (sitekit/accuracy.py reads the
# entries; tests/benchmarks/run.py this): name -> {"f": [(label, fn)], "grad": [...]}.
REFERENCES = {name: entry.references for name, entry in REGISTRY.items() if entry.references}
