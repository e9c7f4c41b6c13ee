"""Messages that say what is wrong and where: sitekit.tables and sitekit.catalogue."""

import numpy as np
import pytest

from sitekit.tables import first_x_where


def test_first_x_where_finds_the_first_float():
    x = first_x_where(lambda v: v * v >= 2.0, 1.0, 2.0)
    assert x * x >= 2.0 and np.nextafter(x, 0.0) ** 2 < 2.0


@pytest.mark.parametrize("lo, hi, says", [
    (1.5, 2.0, "the condition is True at lo = 1.5 and True at hi = 2.0"),
    (0.0, 1.0, "the condition is False at lo = 0.0 and False at hi = 1.0"),
])
def test_a_bracket_that_does_not_hold_says_which_end(lo, hi, says):
    with pytest.raises(ValueError, match=says):
        first_x_where(lambda v: v * v >= 2.0, lo, hi)


def test_a_snippet_that_fails_at_import_is_named_by_file_and_line(tmp_path):
    from sitekit.catalogue import SnippetImportError, load_snippet

    broken = tmp_path / "broken.py"
    broken.write_text("import numpy as np\n\nSCALE = np.sqrt(2)\nOFFSET = SCALE * undefined_name\n")
    with pytest.raises(SnippetImportError, match=rf"^{broken}:4: NameError: name 'undefined_name' is not defined"):
        load_snippet(broken)
