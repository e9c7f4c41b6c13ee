"""`python -m sitekit.derivations [FILE ...]`: see sitekit.derivations.pages.main."""

import sys

from sitekit.derivations.pages import main

sys.exit(main(sys.argv[1:]))
