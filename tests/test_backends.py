"""mpmath and SymPy compute on gmpy2, pinned in requirements.txt: on Python
ints the oracles take about three times the CPU. Without gmpy2 nothing else
fails, only slower, so these tests say it when a requirements edit or an
environment loses it."""

from importlib.metadata import PackageNotFoundError, version

import mpmath.libmp
import pytest
from sympy.external.gmpy import GROUND_TYPES

from sitekit import cache

FIX = "run `pip install -r requirements.txt`, and unset MPMATH_NOGMPY and SYMPY_GROUND_TYPES"


def test_requirements_pin_the_installed_gmpy2():
    assert "gmpy2" in cache.packages(), "requirements.txt: pin gmpy2 (mpmath's fast backend) again"
    pinned = next(line for line in (cache.ROOT / "requirements.txt").read_text().splitlines()
                  if line.startswith("gmpy2=="))
    try:
        installed = version("gmpy2")
    except PackageNotFoundError:
        pytest.fail(f"gmpy2 is not installed: {FIX}")
    assert pinned == f"gmpy2=={installed}", f"requirements.txt has {pinned}, gmpy2 {installed} is installed: {FIX}"


def test_mpmath_computes_on_gmpy2():
    assert mpmath.libmp.BACKEND == "gmpy", f"mpmath computes on Python ints ({mpmath.libmp.BACKEND}): {FIX}"


def test_sympy_computes_on_gmpy2():
    assert GROUND_TYPES == "gmpy", f"SymPy's ground types are {GROUND_TYPES}, not gmpy: {FIX}"
