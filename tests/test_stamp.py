"""The shared helpers have one source: every copy in snippets/ is stamped from
snippets/_shared.py, and `python -m sitekit.stamp --check` finds a copy that is not."""

import shutil
import subprocess
import sys
from pathlib import Path

from sitekit import catalogue, stamp

ROOT = Path(__file__).resolve().parent.parent


def _copies(root: Path) -> dict[str, list[str]]:
    """Each shared helper's name: the files holding a stamped copy of it."""
    found: dict[str, list[str]] = {name: [] for name in stamp.helpers(root)}
    for path in sorted((root / "snippets").rglob("*.py")):
        depth = 0  # inside a stamped file, its own stamps are not the file's
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# stamp: "):
                name = line.split()[2].rstrip(",")
                if not depth and name in found:
                    found[name].append(path.relative_to(root).as_posix())
                depth += 1
            depth -= line.startswith("# end stamp: ")
    return found


def test_every_copy_matches_the_source():
    run = subprocess.run(
        [sys.executable, "-m", "sitekit.stamp", "--check"], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout == ""
    # Each helper in the source is stamped somewhere, or it would not be shared.
    assert all(_copies(ROOT).values()), _copies(ROOT)


def test_every_file_that_uses_as_float_has_the_stamped_copy():
    for path in sorted((ROOT / "snippets").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "_as_float(" in text and path.name != "_shared.py":
            assert stamp.begin_marker("_as_float") in text, path


def test_the_source_is_no_activation():
    assert "_shared" not in catalogue.snippet_names()


def _project_copy(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "snippets", tmp_path / "snippets")
    return tmp_path


def _marker_line(path: Path, name: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines.index(stamp.begin_marker(name)) + 1


def test_an_altered_copy_is_reported_and_restamped(tmp_path):
    root = _project_copy(tmp_path)
    relu = root / "snippets" / "activations" / "relu.py"
    original = relu.read_text(encoding="utf-8")
    line = _marker_line(relu, "_nan_back")
    relu.write_text(original.replace("        return np.where(np.isnan(x), x, g)", "        return g"), encoding="utf-8")
    assert relu.read_text(encoding="utf-8") != original

    assert stamp.run(root, check=True) == [
        f"snippets/activations/relu.py:{line}: _nan_back differs from {stamp.SOURCE}"
    ]
    stamp.run(root)
    assert relu.read_text(encoding="utf-8") == original
    assert stamp.run(root, check=True) == []


def test_an_edit_to_the_source_reaches_every_copy(tmp_path):
    root = _project_copy(tmp_path)
    source = root / stamp.SOURCE
    source.write_text(
        source.read_text(encoding="utf-8").replace("(Knuth).", "(Knuth, TAOCP 4.2.2)."), encoding="utf-8"
    )
    users = _copies(root)["_two_sum"]
    reported = stamp.run(root, check=True)
    assert len(reported) == len(users) >= 2
    assert all("_two_sum differs" in problem for problem in reported)
    stamp.run(root)
    assert stamp.run(root, check=True) == []
    for path in users:
        assert "(Knuth, TAOCP 4.2.2)." in (root / path).read_text(encoding="utf-8")


def test_a_copy_outside_the_markers_is_reported(tmp_path):
    root = _project_copy(tmp_path)
    softmax = root / "snippets" / "activations" / "softmax.py"
    text = softmax.read_text(encoding="utf-8")
    line = _marker_line(softmax, "_two_sum")
    softmax.write_text(
        text.replace(stamp.begin_marker("_two_sum"), "").replace("# end stamp: _two_sum\n", ""), encoding="utf-8"
    )
    assert stamp.run(root, check=True) == [
        f"snippets/activations/softmax.py:{line}: _two_sum defined outside stamp markers"
    ]


def test_a_stamped_file_follows_its_source(tmp_path):
    # gelu.py carries special/erf.py whole, itself holding stamped helpers.
    root = _project_copy(tmp_path)
    erf, gelu = root / "snippets" / "special" / "erf.py", root / "snippets" / "activations" / "gelu.py"
    line = _marker_line(gelu, "special/erf.py")
    erf.write_text(erf.read_text(encoding="utf-8").replace("_SMALL = 0.46875", "_SMALL = 0.46875  # split"), encoding="utf-8")
    assert stamp.run(root, check=True) == [
        f"snippets/activations/gelu.py:{line}: special/erf.py differs from snippets/special/erf.py"
    ]
    source = root / stamp.SOURCE
    source.write_text(source.read_text(encoding="utf-8").replace("(Knuth).", "(Knuth, TAOCP)."), encoding="utf-8")
    stamp.run(root)
    assert stamp.run(root, check=True) == []
    assert "(Knuth, TAOCP)." in gelu.read_text(encoding="utf-8")
    assert "_SMALL = 0.46875  # split" in gelu.read_text(encoding="utf-8")


def test_a_helper_copied_by_hand_into_two_files_is_reported(tmp_path):
    root = _project_copy(tmp_path)
    helper = "\n\ndef _clip_unit(x):\n    return np.clip(x, 0, 1)\n"
    for name in ("relu", "relu6"):
        path = root / "snippets" / "activations" / f"{name}.py"
        path.write_text(path.read_text(encoding="utf-8") + helper, encoding="utf-8")
    reported = stamp.run(root, check=True)
    assert len(reported) == 1 and "_clip_unit is also defined in snippets/activations/relu6.py" in reported[0]
    # A variant that says why it is its own is not a copy.
    for name in ("relu", "relu6"):
        path = root / "snippets" / "activations" / f"{name}.py"
        path.write_text(path.read_text(encoding="utf-8").replace("\ndef _clip_unit", "\n# local: why\ndef _clip_unit"), encoding="utf-8")
    assert stamp.run(root, check=True) == []
