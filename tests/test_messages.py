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


def test_a_name_error_after_a_failed_block_is_one_line():
    """markdown-exec runs a page's blocks in one session: after the first
    failure, a block that misses a name it defined says so in one line."""
    from sitekit import hooks

    def failure(title, output):
        return (f"markdown_exec: Execution of python code block '{title}' exited with errors\n\nCode block is:\n\n  x = 1\n\n"
                f"Output is:\n\n  Traceback (most recent call last):\n{output}\n")

    hooks._state["failed_block"] = None
    first = failure("table", "ValueError: predicate must be false at lo")
    assert hooks._follow_on(first) == first
    second = hooks._follow_on(failure("plot", "NameError: name 'xs' is not defined"))
    assert second == ("a later block fails with NameError (name 'xs' is not defined), most likely because "
                      "the block that failed first (python code block 'table') did not define it: fix that one first")
    other = failure("sums", "ZeroDivisionError: division by zero")
    assert hooks._follow_on(other) == other
    hooks._state["failed_block"] = None


def test_a_failed_block_is_named_by_the_line_of_its_fence():
    from sitekit import hooks

    page = "# Page\n\nText.\n\n```python exec=\"on\"\nxs = [1, 2]\nraise ValueError('lo')\n```\n"
    message = ("markdown_exec: Execution of python code block exited with errors\n\nCode block is:\n\n"
               "  xs = [1, 2]\n  raise ValueError('lo')\n\nOutput is:\n\n  ValueError: lo\n")
    assert hooks._block_line(message, page) == 5
    assert hooks._block_line(message.replace("xs = [1, 2]", "ys = 3"), page) is None
    assert hooks._block_line("some other warning", page) is None


def test_a_defined_function_without_a_latex_name_is_one_error():
    """Issue 15, item 7: after `squareplus is defined ... but ...`, the checker
    compared the chain's last step, a derivative, with the FORWARD function,
    for a second and false error. Step 1 unread, the endpoints are not checked."""
    from sitekit.derivations import DEFINITIONS, FUNCTION_ALIASES, check_markdown

    # A defined function no chain can name yet (its name is no LaTeX alias).
    name = next(n for n in sorted(DEFINITIONS) if n.isalpha() and n not in FUNCTION_ALIASES and n != "linear")
    chain = f"\\frac{{d}}{{dx}}\\operatorname{{{name}}}(x) &= x."
    report = check_markdown(f"# Scratch\n\n\\begin{{align}}\n{chain}\n\\end{{align}}\n", f"activations/{name}.md")
    assert report.errors == [
        f"docs/activations/{name}.md:4: step 1 cannot be checked: `{name}` is defined (sitekit/definitions*.py) "
        f"but has no LaTeX name a chain can use: add \"{name}\" to `aliases` in its registry entry, "
        f"or write f(x) on its own page\n    step 1 (line 4): \\frac{{d}}{{dx}}\\operatorname{{{name}}}(x)"]
    assert report.lines[0].endswith("step 1 unread: endpoints not checked"), report.lines


def test_a_failed_block_of_included_code_names_its_fence_and_the_snippet_line(tmp_path):
    """A block whose code comes from snippets/ (`--8<--`) is found by its fence, and the line of the
    traceback that failed is named in the snippet file it came from."""
    from sitekit.hook_blocks import block_line, snippet_origin

    snippets = tmp_path / "snippets"
    (snippets / "activations").mkdir(parents=True)
    (snippets / "activations" / "f.py").write_text(
        "import numpy as np\n\n# --8<-- [start:forward]\ndef f(x):\n    return np.exp(x)\n# --8<-- [end:forward]\n")
    page = "# F\n\n```python exec=\"on\" session=\"f\"\n--8<-- \"activations/f.py:forward\"\nys = f(1000.0)\n```\n"
    message = ("markdown_exec: Execution of python code block exited with errors\n\nCode block is:\n\n"
               "  def f(x):\n      return np.exp(x)\n  ys = f(1000.0)\n\nOutput is:\n\n"
               "  Traceback (most recent call last):\n"
               '    File "<code block: session f; n1>", line 3, in <module>\n      ys = f(1000.0)\n'
               '    File "<code block: session f; n1>", line 2, in f\n      return np.exp(x)\n'
               "  RuntimeWarning: overflow encountered in exp\n")
    assert block_line(message, page, snippets) == 3
    assert block_line(message, page) is None  # without the snippets, the included code cannot be matched
    assert snippet_origin(message, page, snippets) == "snippets/activations/f.py:5"
    assert snippet_origin(message.replace("return np.exp(x)", "return np.exp(2 * x)"), page, snippets) is None


def test_a_failed_block_is_named_by_the_page_line_that_raised_and_the_exception(tmp_path):
    """The innermost frame of the failed block that is the page's own code names the line
    (included code is named by snippet_origin); the exception goes on the first line."""
    from sitekit.hook_blocks import _raised, failing_line

    snippets = tmp_path / "snippets"
    (snippets / "activations").mkdir(parents=True)
    (snippets / "activations" / "f.py").write_text(
        "import numpy as np\n\n# --8<-- [start:forward]\ndef f(x):\n    return np.exp(x)\n# --8<-- [end:forward]\n")
    page = ("# F\n\n```python exec=\"on\" session=\"f\"\n--8<-- \"activations/f.py:forward\"\n\nxs = 1.0\n"
            "ys = f(1000.0)\n```\n")
    message = ("markdown_exec: Execution of python code block exited with errors\n\nCode block is:\n\n"
               "  def f(x):\n      return np.exp(x)\n\n  xs = 1.0\n  ys = f(1000.0)\n\nOutput is:\n\n"
               "  Traceback (most recent call last):\n"
               '    File "<code block: session f; n1>", line 5, in <module>\n      ys = f(1000.0)\n'
               '    File "<code block: session f; n1>", line 2, in f\n      return np.exp(x)\n'
               "  RuntimeWarning: overflow encountered in exp\n")
    assert failing_line(message, page, snippets, 3) == 7
    assert failing_line(message, page, None, 3) is None  # the includes unknown: the line cannot be mapped
    # A frame of an earlier block (a function it defined) is not a line of this block.
    other = message.replace('session f; n1>", line 2, in f\n      return np.exp(x)',
                            'session f; n0>", line 4, in g\n      xs = 1.0')
    assert other != message and failing_line(other, page, snippets, 3) == 7
    assert _raised(message) == "RuntimeWarning: overflow encountered in exp"
    assert _raised("some other warning") is None
