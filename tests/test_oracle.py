"""The oracle's own shortcuts (sitekit/oracle.py), against mpmath at a
precision where they are not needed."""

import mpmath
import pytest

from sitekit.oracle import Oracle, _erfc


@pytest.mark.parametrize("z", [2.0**90, 1e30, 1e100, 1.2e308])
def test_erfc_far_out_is_its_first_term(z):
    """Past 2^90, e^(-z^2) / (z sqrt(pi)) stands for erfc(z): within 2^-181, relative."""
    with mpmath.workdps(60):
        fast = _erfc(mpmath.mpf(z))
    with mpmath.workdps(700):  # enough for mpmath's own erfc at z = 1e308 (its z^2 has 617 digits)
        exact = mpmath.erfc(mpmath.mpf(z))
        assert abs(fast / exact - 1) < mpmath.mpf(2) ** -180


@pytest.mark.parametrize("x", [-38.5, -50.0, -1e5, -1e20, -1e300, -1.7976931348623157e308])
def test_gelu_where_one_plus_erf_cancels(x):
    """GELU and its slope where 1 + erf(x / sqrt 2) is 1 - 1 to hundreds of digits,
    against the definition at a precision where it is not."""
    gelu = Oracle("gelu")
    value, slope = gelu("f", x), gelu("grad", x)
    X = mpmath.mpf(x)
    # Up to |x| = 1000, 1 + erf as written, at as many digits as it cancels (x^2 / (2 ln 10));
    # beyond, mpmath's erfc, with x^2 / 2 exact to 50 digits after the point.
    cancels = abs(X) < 1e3
    with mpmath.workdps(60 + int(X * X / 4.6 if cancels else 2 * mpmath.log10(abs(X)))):
        phi = (1 + mpmath.erf(X / mpmath.sqrt(2))) / 2 if cancels else mpmath.erfc(-X / mpmath.sqrt(2)) / 2
        density = mpmath.exp(-X * X / 2) / mpmath.sqrt(2 * mpmath.pi)
        assert value != 0 and abs(value / (X * phi) - 1) < mpmath.mpf(10) ** -45
        assert abs(slope / (phi + X * density) - 1) < mpmath.mpf(10) ** -45
