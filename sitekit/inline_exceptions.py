"""The inline formulas sitekit.inline_formulas does not check, each with its reason.

One entry per formula: the page (relative to docs/), the formula's whole TeX
between `\\(` and `\\)` (whitespace-insensitive; every formula of the page
with that text; two entries for one text apply in page order), and the reason, which starts with its kind:
- "unreadable:" the parser cannot read it (vectors, matrices, words, ...);
- "checked by:" another check covers it, named (a test or an executed block);
- "hint:" not an exception: checked once the names of `hint` are put in,
  and only where `domain` holds (the condition the prose states, `x > 0`).
The whole formula is pinned: an edit makes the entry stale, and a stale
entry fails the build, so each one is reviewed again when its formula changes.
To list the formulas that need an entry, run the checker with EXCEPTIONS set
to [] in memory, never by emptying this file: a build that imports the module
meanwhile keeps the empty table and stores its failures in the shared cache.
"""

from __future__ import annotations

from sitekit.exception_entry import Entry

# Reasons shared by several entries.
WHERE_X_BELOW_0 = 'hint: holds where the prose says it does (x < 0), checked there'
MATHSF_IS_NOTATION_THE_PARSE = 'unreadable: `\\mathsf` is notation the parser does not read'
NAMES_THE_UPSTREAM_GRADIENT = 'definition: names the upstream gradient, \\partial E / \\partial v (notation page)'
F_IS_A_FUNCTION_THE_PROSE_NA = "unreadable: `f'` is a function the prose names, with no formula the checker has"
WHERE_X_ABOVE_0 = 'hint: holds where the prose says it does (x > 0), checked there'
A_LIMIT_AT_INFINITY_SYMPY_CA = 'unreadable: a limit at infinity SymPy cannot take'
ODOT_IS_NOTATION_THE_PARSER = 'unreadable: `\\odot` is notation the parser does not read'
PM_IS_NOTATION_THE_PARSER_DO = 'unreadable: `\\pm` is notation the parser does not read'
A_GRADIENT_OF_A_LOSS_THE_PRO = 'unreadable: a gradient of a loss the prose describes in words, not a formula the checker has'
MATHBB_IS_NOTATION_THE_PARSE = 'unreadable: `\\mathbb` is notation the parser does not read'
TESTS_TEST_LAYERS_PY_TEST_IN = "checked by: tests/test_layers.py::test_index_form_equals_matrix_form, which writes this rule as a Python loop over units and compares it with the layers' matrix backward and finite differences"
BAR_Y_NAMES_THE_UPSTREAM_GRA = 'definition: \\bar{y} names the upstream gradient (notation page)'
SIGMA_AND_SIGMA_STAND_FOR_SI = "hint: \\sigma' and \\sigma stand for \\sigma'(x) and \\sigma(x)"
HARDTANH_HAS_NO_LATEX_NAME_T = "unreadable: `hardtanh` has no LaTeX name the checker knows (an alias in its definition's entry)"
LAMBDA_AND_ALPHA_ARE_THE_PAG = "hint: \\lambda and \\alpha are the page's constants (line 19), where x < 0"
TANH_WITHOUT_PARENTHESES_WHI = 'unreadable: `\\tanh` without parentheses, which the parser would misread'
THE_INDEX_CONDITION_THAT_PIC = 'not an identity: the index condition that picks the windows meeting entry (\\alpha, \\beta)'
ODOT_AN_ELEMENTWISE_PRODUCT = 'unreadable: `\\odot` (an elementwise product) before a bracket, which the parser reads as a function'
G_IS_A_FUNCTION_THE_PROSE_NA = "unreadable: `g'` is a function the prose names, with no formula the checker has"
THE_DERIVATIVE_OF_Z_K_WHICH = 'unreadable: the derivative of z_k, which the notation page defines as a sum over j, by one entry; the parser cannot take it'
BAR_IS_NOTATION_THE_PARSER_D = 'unreadable: `\\bar` is notation the parser does not read'
A_GRADIENT_OF_A_LOSS_THE_PRO_ = 'unreadable: a gradient of a loss the prose describes in words, not a formula the checker has; the backward that implements it is tested in tests/test_layer_rnn.py'
SWISH_BETA_POSITIVE = "hint: the prose says for \\beta > 0 (line 262), checked there"
SILU_BETA_POSITIVE = 'hint: silu is swish at \\beta = 1; the limit holds for every \\beta > 0, checked there'
RELU6_DIGIT = ('unreadable: the parser keeps only the letters of an operator name (ReLU6 would be ReLU), '
               'so sitekit.inline_formulas refuses a name with a digit until the parser reads it')

EXCEPTIONS: list[Entry] = [
    # docs/about.md
    Entry('about.md', '\\max(0, x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('about.md', '\\bar{X} = \\bar{Y}\\, W^{\\mathsf T}', 'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward)'),
    # docs/activations/binary_step.md
    Entry('activations/binary_step.md', "f' = \\delta_0", "checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[binary-step-dirac] (SymPy: f' in the sense of distributions, the functional minus the integral of f times phi', equals the Dirac delta at the point the TeX names, phi(0), for three test functions); the TeX is pinned whole"),
    # docs/activations/celu.md
    Entry('activations/celu.md', '\\operatorname{CELU}(x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/celu.md', 'y = \\alpha\\,(e^{x/\\alpha}-1)', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/celu.md', 'e^{x/\\alpha} = 1 + y/\\alpha', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/celu.md', 'x/\\alpha = q + \\rho/\\alpha', "definition: q and \\rho are defined by this split of x/\\alpha (the code's t and r)"),
    Entry('activations/celu.md', '\\operatorname{CELU}(-\\infty) = -\\alpha', "hint: holds for the page's \\alpha > 0 (line 22), checked there", domain='\\alpha > 0'),
    # docs/activations/choosing.md
    Entry('activations/choosing.md', "\\delta^{(l)} = \\bigl(\\delta^{(l+1)} (W^{(l+1)})^{\\mathsf T}\\bigr) \\odot g'(z^{(l)})", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example as rows, and central differences of the forward)'),
    # docs/activations/elu.md
    Entry('activations/elu.md', '\\operatorname{ELU}(x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/elu.md', '\\operatorname{ELU}(x) = \\alpha\\,(e^{x}-1)', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/elu.md', 'y = \\alpha\\,(e^{x}-1)', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/elu.md', '\\alpha\\,e^{x} = y + \\alpha', WHERE_X_BELOW_0, domain='x < 0'),
    # docs/activations/gelu.md
    Entry('activations/gelu.md', 'v - v_0 = (u - k\\sqrt{2}/64)/\\sqrt{2}', 'hint: v = u/\\sqrt{2} and the Taylor centre v_0 = k/64, as the prose defines them (lines 170 and 178)', hint=(('v_0', 'k/64'), ('v', 'u/\\sqrt{2}'))),
    Entry('activations/gelu.md', '\\operatorname{erfc}(v) = e^{-v^2 - 0.5625 + R(s)/S(s)}/v', "definition: fdlibm's form defines R(s)/S(s), the rational fits to \\log(v\\operatorname{erfc}(v)) + v^2 + 0.5625 the prose names"),
    Entry('activations/gelu.md', 'u/(2v) = 1/\\sqrt{2}', 'hint: u = \\sqrt{2}\\,v, as the prose defines u', hint=(('u', '\\sqrt{2}\\,v'),)),
    Entry('activations/gelu.md', 'u\\,Q(u) = e^{-u^2/2 - 0.5625 + R/S - \\log\\sqrt{2}}', "hint: Q(u) and v = u/\\sqrt{2} as the prose defines them (line 163), R/S as fdlibm's form defines it (line 182), for u > 0", hint=(('Q(u)', '\\tfrac12\\,e^{-u^2/2}\\operatorname{erfcx}(u/\\sqrt{2})'), ('R/S', '\\log\\left(v\\operatorname{erfc}(v)\\right) + v^{2} + 0.5625'), ('v', 'u/\\sqrt{2}')), domain='u > 0'),
    Entry('activations/gelu.md', 'e^{-(c + d)/2} = e^{-c/2}\\,(1 - d/2)', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[gelu-first-order-in-d] (SymPy: the sides agree to first order in the tiny d, as the prose says)'),
    Entry('activations/gelu.md', '\\Phi(x) + x\\,\\varphi(x) = e^{-u^2/2}\\bigl(\\tfrac12\\operatorname{erfcx}(v) - u/\\sqrt{2\\pi}\\bigr)', 'hint: u = |x| and v = u/\\sqrt{2} (page line 162), \\Phi and \\varphi the normal distribution and density (line 17), for x < 0 as the prose says', hint=(('\\Phi(x)', '\\frac{1}{2}\\left(1+\\operatorname{erf}\\left(\\frac{x}{\\sqrt{2}}\\right)\\right)'), ('\\varphi(x)', '\\frac{1}{\\sqrt{2\\pi}}\\,e^{-x^{2}/2}'), ('u', '|x|'), ('v', '|x|/\\sqrt{2}')), domain='x < 0'),
    # docs/activations/gelu_tanh.md
    Entry('activations/gelu_tanh.md', 'f(x) = x\\,\\sigma(2u)', 'hint: u = \\sqrt{2/\\pi}(x + 0.044715 x^3), as the page defines it', hint=(('u', '\\sqrt{2/\\pi}\\,\\left(x+0.044715\\,x^{3}\\right)'),)),
    Entry('activations/gelu_tanh.md', "u'(x) = \\sqrt{2/\\pi}\\,(1 + 0.044715\\,x^2)", "checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[gelu-tanh-dropped-three] (a mistake quoted as wrong: SymPy's derivative of the page's u differs from it; the fault restores the 3 and must fail); the TeX is pinned whole"),
    # docs/activations/glu.md
    Entry('activations/glu.md', '\\operatorname{glu}([x, x]) = x\\,\\sigma(x)', "checked by: the executed block at glu.md:37 (asserts glu([x, x]) within 4 ULP of the swish oracle's x sigma(x) at 50 digits, 7 points from -745 to 1e308); the TeX is pinned whole"),
    Entry('activations/glu.md', '\\partial y / \\partial u = \\sigma(x)', 'checked by: sitekit.summaries (numerically, against glu_vjp on the plotted slice u = 2, v = x, at one x, and central differences of the forward)'),
    Entry('activations/glu.md', '\\partial y / \\partial v = 2\\,\\sigma(x)\\,(1 - \\sigma(x))', 'checked by: sitekit.summaries (numerically, against glu_vjp on the plotted slice u = 2, v = x, at one x, and central differences of the forward)'),
    Entry('activations/glu.md', '\\bar{y} = \\frac{\\partial E}{\\partial y}', BAR_Y_NAMES_THE_UPSTREAM_GRA),
    Entry('activations/glu.md', '\\sigma(v) = y/u', "hint: y = u\\,\\sigma(v), the page's definition, where u is not 0", hint=(('y', 'u\\,\\sigma(v)'),), domain='u > 0'),
    Entry('activations/glu.md', '\\partial E / \\partial u = \\bar{y}\\,\\sigma(v)', 'checked by: sitekit.summaries (numerically, against glu_vjp, one entry of the halves, and central differences of the forward)'),
    Entry('activations/glu.md', '\\partial E / \\partial v = \\bar{y} \\odot \\sigma(v) \\odot (1 - \\sigma(v))', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against glu_vjp, one entry of the halves, and against central differences of the forward)'),
    Entry('activations/glu.md', '\\partial E / \\partial v = 0', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against glu_vjp, one entry of the halves, and against central differences of the forward)'),
    Entry('activations/glu.md', '\\partial E / \\partial u = \\bar{y} \\odot \\sigma(v)', 'checked by: sitekit.summaries (numerically, against glu_vjp, and central differences of the forward)'),
    # docs/activations/hardshrink.md
    Entry('activations/hardshrink.md', 'f(\\pm\\lambda) = 0', "hint: the page's \\lambda is positive (the chains' domains), checked there", domain='\\lambda > 0'),
    Entry('activations/hardshrink.md', 'f(x) = x', 'hint: the prose says for x > \\lambda, checked there', domain='x > \\lambda, \\lambda > 0'),
    Entry('activations/hardshrink.md', 'f(x) = x', 'hint: the prose says for x < -\\lambda, checked there', domain='x < -\\lambda, \\lambda > 0'),
    Entry('activations/hardshrink.md', 'f(\\pm\\lambda) = \\pm\\lambda', 'not an identity: what the quoted wrong mask |x| \\ge \\lambda would give, not this page\'s f'),
    # docs/activations/hardsigmoid.md
    Entry('activations/hardsigmoid.md', '\\min\\bigl(\\max(0, x + 3), 6\\bigr) = x + 3', 'hint: holds where the prose says it does (-3 < x < 3), checked there', domain='-3 < x < 3'),
    Entry('activations/hardsigmoid.md', "\\sigma' = \\sigma(1-\\sigma)", SIGMA_AND_SIGMA_STAND_FOR_SI, hint=(("\\sigma'", "\\sigma'(x)"), ('\\sigma(1-\\sigma)', '\\sigma(x)\\,(1-\\sigma(x))'))),
    # docs/activations/hardswish.md
    Entry('activations/hardswish.md', "f'(x) = h(x) + x\\,h'(x)", 'hint: h is the hard sigmoid, as the line before says', hint=(("h'(x)", "\\operatorname{hardsigmoid}'(x)"), ('h(x)', '\\operatorname{hardsigmoid}(x)'))),
    # docs/activations/hardtanh.md
    Entry('activations/hardtanh.md', '\\max\\bigl(a, \\min(b, x)\\bigr) = x', 'hint: holds where the prose says it does (a < x < b), checked there', domain='a < x < b'),
    Entry('activations/hardtanh.md', '\\partial f/\\partial x = 0', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[hardtanh-kink-slope] (a convention at the kinks, not a limit: the snippet\'s df/dx at both bounds, float32 and float64, three pairs of bounds)'),
    Entry('activations/hardtanh.md', '\\operatorname{hardtanh}(x) = \\bigl(|x - a| - |x - b| + a + b\\bigr)/2', 'hint: holds for a < b, the range the definition states (a = min_val <= b = max_val)', domain='a < b'),
    # docs/activations/index.md
    Entry('activations/index.md', '\\bigl(\\frac{\\partial p}{\\partial z}\\bigr)^{\\mathsf T} \\bar{p} = p \\odot (\\bar{p} - \\bar{p} \\cdot p)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against softmax_vjp, softmax_jacobian, p and p-bar as columns, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/index.md', '\\bar{p} = \\partial E / \\partial p', NAMES_THE_UPSTREAM_GRADIENT),
    # docs/activations/leaky_relu.md
    Entry('activations/leaky_relu.md', '\\max(a\\,x, x) = x', 'hint: holds where the prose says it does (x > 0, a < 1), checked there', domain='x > 0, a < 1'),
    Entry('activations/leaky_relu.md', '\\max(a\\,x, x) = a\\,x', 'hint: holds where the prose says it does (x < 0, a < 1), checked there', domain='x < 0, a < 1'),
    Entry('activations/leaky_relu.md', "f'(x) = -a", "quoted as wrong: the mistake's slope, in the heading that quotes it"),
    Entry('activations/leaky_relu.md', 'f(x) = \\max(a\\,x, x)', 'hint: holds where the prose says it does (0 < a < 1), checked there', domain='0 < a < 1'),
    Entry('activations/leaky_relu.md', "f'(x) = a", WHERE_X_BELOW_0, domain='x < 0'),
    # docs/activations/linear.md
    Entry('activations/linear.md', 'f(\\pm\\infty) = \\pm\\infty', 'hint: the prose says for c > 0, checked there', domain='c > 0'),
    Entry('activations/linear.md', '\\frac{\\partial E}{\\partial x} = c \\cdot \\frac{\\partial E}{\\partial y}', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[linear-backward] (SymPy: the chain rule through the registry\'s y = c x, for any loss E of y)'),
    # docs/activations/log_softmax.md
    Entry('activations/log_softmax.md', '\\partial y_1 / \\partial z_1 = 1 - p_1', 'checked by: sitekit.summaries (numerically, against log_softmax_vjp, log_softmax_jacobian, softmax, and central differences of the forward)'),
    Entry('activations/log_softmax.md', '\\bar{y} = \\frac{\\partial E}{\\partial y}', BAR_Y_NAMES_THE_UPSTREAM_GRA),
    Entry('activations/log_softmax.md', '\\bar{y} = -t', "checked by: sitekit.summaries (numerically: the complex-step and central-difference gradients of the prose's E = -y_c at y = log_softmax(z))"),
    Entry('activations/log_softmax.md', '\\bar{z} = p - t', 'checked by: sitekit.summaries (numerically, against log_softmax_vjp with the upstream gradient of E = -y_c, and the cross-entropy snippet, and central differences of the forward)'),
    Entry('activations/log_softmax.md', '\\partial y_i / \\partial z_j = [i = j] - e^{y_j}', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against log_softmax_vjp, log_softmax_jacobian, softmax, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/log_softmax.md', '\\partial y_i / \\partial z_j = [i = j] - p_i', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (a mistake quoted as wrong: numerically false against log_softmax_vjp, log_softmax_jacobian, softmax, and against central differences of the forward)'),
    Entry('activations/log_softmax.md', '\\bar{z} = \\bar{y} - e^{y} \\sum_i \\bar{y}_i', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against log_softmax_vjp, log_softmax_jacobian, softmax, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/log_softmax.md', 'd_i + r_i = z_i - m', "definition: d_i and r_i are defined by this split (Knuth's TwoSum)"),
    Entry('activations/log_softmax.md', '\\bar{p} = \\bar{y} / p', "checked by: sitekit.summaries (numerically, against central differences of the prose's E = sum_i y-bar_i log p_i at p = softmax(z))"),
    Entry('activations/log_softmax.md', '\\bar{z} = \\bar{y} - p \\sum_i \\bar{y}_i', 'checked by: sitekit.summaries (numerically, against log_softmax_vjp and softmax, and central differences of the forward)'),
    Entry('activations/log_softmax.md', 'p - t = (-e^{-1000}, e^{-1000}) / (1 + e^{-1000})', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[log-softmax-underflowed-gradient] (SymPy, exactly: softmax of the prose\'s z = (0, -1000) minus its t = (1, 0))'),
    Entry('activations/log_softmax.md', '\\bar{z} = \\bar{y} \\odot (1 - p)', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against log_softmax_vjp, log_softmax_jacobian, softmax, and against central differences of the forward)'),
    Entry('activations/log_softmax.md', '\\bar{y} = \\frac{\\partial E}{\\partial y} = (-1, 0, 0)', "checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically: the complex-step and central-difference gradients of the prose's E = -y_1 of three classes, against the tuple as written; its notation read by sitekit.summary_bindings_vector.read)"),
    # docs/activations/logsigmoid.md
    Entry('activations/logsigmoid.md', "\\sigma' = \\sigma\\,(1-\\sigma)", SIGMA_AND_SIGMA_STAND_FOR_SI, hint=(("\\sigma'", "\\sigma'(x)"), ('\\sigma', '\\sigma(x)'))),
    # docs/activations/mish.md
    Entry('activations/mish.md', "\\operatorname{softplus}' = \\sigma", "hint: softplus' and \\sigma stand for their values at x", hint=(("\\operatorname{softplus}'", "\\operatorname{softplus}'(x)"), ('\\sigma', '\\sigma(x)'))),
    # docs/activations/prelu.md
    Entry('activations/prelu.md', '\\max(0, x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/prelu.md', '\\min(0, x) = 0', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/prelu.md', '\\max(0, x) = 0', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/prelu.md', '\\min(0, x) = x', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/prelu.md', '\\bar{y}_i = \\partial E/\\partial y_i', NAMES_THE_UPSTREAM_GRADIENT),
    # docs/activations/relu.md
    Entry('activations/relu.md', '\\max(0, x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/relu.md', '\\max(0, x) = 0', WHERE_X_BELOW_0, domain='x < 0'),
    # docs/activations/relu6.md
    Entry('activations/relu6.md', '\\max(0, x) = 0', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/relu6.md', '\\max(0, x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    # docs/activations/rrelu.md
    Entry('activations/rrelu.md', '\\max(0, x) = x', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/rrelu.md', '\\min(0, x) = 0', WHERE_X_ABOVE_0, domain='x > 0'),
    Entry('activations/rrelu.md', '\\max(0, x) = 0', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/rrelu.md', '\\min(0, x) = x', WHERE_X_BELOW_0, domain='x < 0'),
    Entry('activations/rrelu.md', 'f(x) = \\bigl((1+a)\\,x + (1-a)\\,|x|\\bigr)/2', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[rrelu-branch-free] (SymPy compares it with the evaluation RReLU of slope a, x on one side of 0 and a x on the other); the TeX is pinned whole'),
    Entry('activations/rrelu.md', 'f(x) = x/a', "definition: the paper's RReLU for x < 0 (it divides by a ~ U(3, 8)), quoted to contrast with the page's own"),
    # docs/activations/selu.md
    Entry('activations/selu.md', '\\operatorname{SELU}(x) = \\lambda\\,x', "hint: \\lambda is the page's constant (line 19), where x > 0", hint=(('\\lambda', '1.0507009873554804934193349852946'),), domain='x > 0'),
    Entry('activations/selu.md', '\\operatorname{SELU}(x) = \\lambda\\,\\alpha\\,(e^{x}-1)', LAMBDA_AND_ALPHA_ARE_THE_PAG, hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717')), domain='x < 0'),
    Entry('activations/selu.md', 'y = \\lambda\\,\\alpha\\,(e^{x}-1)', LAMBDA_AND_ALPHA_ARE_THE_PAG, hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717')), domain='x < 0'),
    Entry('activations/selu.md', '\\lambda\\alpha\\,e^{x} = y + \\lambda\\alpha', LAMBDA_AND_ALPHA_ARE_THE_PAG, hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717')), domain='x < 0'),
    Entry('activations/selu.md', 'y = \\lambda\\alpha\\,(e^{x}-1)', LAMBDA_AND_ALPHA_ARE_THE_PAG, hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717')), domain='x < 0'),
    # docs/activations/sigmoid.md
    Entry('activations/sigmoid.md', "\\sigma'(x) = z/(1+z)^2", "hint: z = e^{-|x|}, the forward's z", hint=(('z', 'e^{-|x|}'),)),
    Entry('activations/sigmoid.md', "\\delta^{(l)} = \\bigl(\\delta^{(l+1)} (W^{(l+1)})^{\\mathsf T}\\bigr) \\odot g'(z^{(l)})", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example as rows, and central differences of the forward)'),
    # docs/activations/softmax.md
    Entry('activations/softmax.md', 'p_2 = \\frac{e^{x}}{1 + e^{x}} = \\frac{1}{1 + e^{-x}} = \\sigma(x)', 'hint: p_2 of z = (0, x), as the prose sets it', hint=(('p_2', '\\frac{e^{x}}{e^{0} + e^{x}}'),)),
    Entry('activations/softmax.md', '\\bar{p} = \\frac{\\partial E}{\\partial p}', 'definition: \\bar{p} names the upstream gradient (notation page)'),
    Entry('activations/softmax.md', '\\bar{p} \\cdot p = \\sum_{i=1}^{K} \\bar{p}_i\\,p_i', 'definition: the dot product of the vectors \\bar{p} and p, written out'),
    Entry('activations/softmax.md', 'p_i = e^{z_i} / S', 'hint: S as the prose defines it', hint=(('S', '\\sum_{k=1}^{K} e^{z_k}'),)),
    Entry('activations/softmax.md', 'p_i = \\frac{e^{x}}{e^{x} + R}', 'hint: x = z_i and R = S - e^{z_i}, as the prose defines them', hint=(('R', '\\sum_{k=1}^{K} e^{z_k} - e^{z_i}'), ('x', 'z_i'))),
    Entry('activations/softmax.md', '1 - p_i = R / S', 'hint: R = S - e^{z_i} and S, as the prose defines them', hint=(('R', '\\sum_{k=1}^{K} e^{z_k} - e^{z_i}'), ('S', '\\sum_{k=1}^{K} e^{z_k}'))),
    Entry('activations/softmax.md', 'p_i = \\frac{c}{e^{x} + R}', 'hint: c = e^{z_i}, x = z_j and R = S - e^{z_j}, as the prose defines them', hint=(('c', 'e^{z_i}'), ('R', '\\sum_{k=1}^{K} e^{z_k} - e^{z_j}'), ('x', 'z_j'))),
    Entry('activations/softmax.md', 'p_j = \\frac{e^{x}}{e^{x} + R}', 'hint: x = z_j and R = S - e^{z_j}, as the prose defines them', hint=(('R', '\\sum_{k=1}^{K} e^{z_k} - e^{z_j}'), ('x', 'z_j'))),
    Entry('activations/softmax.md', 'd_i + r_i = z_i - m', "definition: d_i and r_i are defined by this split (Knuth's TwoSum)"),
    Entry('activations/softmax.md', '\\bar{z} = \\bar{p} \\odot p \\odot (1 - p)', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against softmax_vjp, softmax_jacobian, and against central differences of the forward)'),
    Entry('activations/softmax.md', '\\frac{\\partial p_i}{\\partial z_j} = p_i\\,([i = j] - p_j)', 'hint: p_i times the bracket (the parser reads p_i(...) as a call)', hint=(('p_i\\,([i = j] - p_j)', 'p_i \\cdot ([i = j] - p_j)'),)),
    Entry('activations/softmax.md', '\\bar{z} = p \\odot \\bigl(\\bar{p} - (\\bar{p} \\cdot p)\\bigr)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against softmax_vjp, softmax_jacobian, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    # docs/activations/softmin.md
    Entry('activations/softmin.md', '\\operatorname{softmin}(0, x)_2 = \\sigma(-x)', "checked by: the executed block at softmin.md:32 (asserts softmin([0, x])_2 within 4 ULP of the sigmoid oracle's sigma(-x) at 50 digits, 7 points from -700 to 700); the TeX is pinned whole"),
    Entry('activations/softmin.md', '\\partial q_1 / \\partial z_1 = -q_1 \\cdot (1 - q_1)', 'checked by: sitekit.summaries (numerically, against softmin_vjp, softmin_jacobian, and central differences of the forward)'),
    Entry('activations/softmin.md', '\\bar{q} = \\frac{\\partial E}{\\partial q}', 'definition: \\bar{q} names the upstream gradient (notation page)'),
    Entry('activations/softmin.md', '\\bar{q} \\cdot q = \\sum_{i=1}^{K} \\bar{q}_i\\,q_i', 'definition: the dot product of the vectors \\bar{q} and q, written out'),
    Entry('activations/softmin.md', '\\bar{z} = q \\odot \\bigl(\\bar{q} - (\\bar{q} \\cdot q)\\bigr)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (a mistake quoted as wrong: numerically false against softmin_vjp, softmin_jacobian, and against central differences of the forward)'),
    Entry('activations/softmin.md', '\\bar{q} = c', "checked by: sitekit.summaries (numerically: the complex-step and central-difference gradients of the prose's E = sum_i c_i q_i at q = softmin(z))"),
    # docs/activations/softshrink.md
    Entry('activations/softshrink.md', '\\min(\\lambda, x) = \\lambda', 'hint: holds where the prose says it does (x > \\lambda > 0), checked there', domain='x > \\lambda, \\lambda > 0'),
    Entry('activations/softshrink.md', '\\operatorname{softshrink}(c\\,x; c\\,\\lambda) = c \\operatorname{softshrink}(x; \\lambda)', 'hint: for c > 0, as the prose says, and the page\'s \\lambda > 0; the parameter follows the `;`', domain='c > 0, \\lambda > 0'),
    # docs/activations/softsign.md
    # docs/activations/swiglu.md
    Entry('activations/swiglu.md', '\\operatorname{silu}(u) = u\\,\\sigma(u)', 'hint: silu is swish at \\beta = 1, as the prose says; checked there', domain='\\beta = 1'),
    Entry('activations/swiglu.md', 'x [W, V] = [u, v]', "definition: names u and v, the two halves of the stacked projection x [W, V] (the paper's x W and x V)"),
    Entry('activations/swiglu.md', '\\operatorname{swiglu}([x, 1]) = \\operatorname{silu}(x)', "checked by: the executed block at swiglu.md:45 (asserts swiglu([x, 1]) within 4 ULP of the swish oracle's silu(x) at 50 digits, 7 points from -745 to 1e308); the TeX is pinned whole"),
    Entry('activations/swiglu.md', '\\partial y / \\partial v = \\operatorname{silu}(x)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against swiglu_vjp, swish and swish_grad on the plotted slice u = x, v = 2, at one x, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/swiglu.md', "\\partial y / \\partial u = 2 \\operatorname{silu}'(x)", 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against swiglu_vjp, swish and swish_grad on the plotted slice u = x, v = 2, at one x, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/swiglu.md', '\\bar{y} = \\frac{\\partial E}{\\partial y}', BAR_Y_NAMES_THE_UPSTREAM_GRA),
    Entry('activations/swiglu.md', '\\partial E / \\partial u = e^{\\min(u, 0)} \\cdot \\bar{y} \\cdot v \\cdot c / (1 + q)^{2}', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against swiglu_vjp at one entry with u > 0 and one with u < 0, q and c as the prose defines them, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/swiglu.md', '\\partial E / \\partial v = e^{\\min(u, 0)} \\cdot \\bar{y} \\cdot u / (1 + q)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against swiglu_vjp at one entry with u > 0 and one with u < 0, q and c as the prose defines them, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/swiglu.md', "\\partial E / \\partial u = \\bar{y}\\,v\\,\\operatorname{silu}'(u)", 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against swiglu_vjp, swish and swish_grad at beta = 1, one entry, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('activations/swiglu.md', '\\operatorname{silu}(+\\infty) = +\\infty', SILU_BETA_POSITIVE, domain='\\beta > 0'),
    Entry('activations/swiglu.md', '\\operatorname{silu}(-\\infty) = 0', SILU_BETA_POSITIVE, domain='\\beta > 0'),
    Entry('activations/swiglu.md', "\\operatorname{silu}'(+\\infty) = 1", SILU_BETA_POSITIVE, domain='\\beta > 0'),
    Entry('activations/swiglu.md', "\\operatorname{silu}'(-\\infty) = 0", SILU_BETA_POSITIVE, domain='\\beta > 0'),
    # docs/activations/swish.md
    Entry('activations/swish.md', '\\operatorname{swish}(x) = x/2', 'hint: at \\beta = 0, as the prose says; checked there', domain='\\beta = 0'),
    Entry('activations/swish.md', '\\sigma(u) = 1/(1+v)', "hint: v = e^{-|u|}, where u > 0 (the prose's condition)", hint=(('v', 'e^{-|u|}'),), domain='u > 0'),
    Entry('activations/swish.md', '\\beta x = -710', 'not an identity: the point \\beta x = -710 from which on the code returns 0'),
    Entry('activations/swish.md', '\\operatorname{swish}(+\\infty) = +\\infty', SWISH_BETA_POSITIVE, domain='\\beta > 0'),
    Entry('activations/swish.md', '\\operatorname{swish}(-\\infty) = 0', SWISH_BETA_POSITIVE, domain='\\beta > 0'),
    Entry('activations/swish.md', '\\frac{\\partial}{\\partial \\beta}\\operatorname{swish}(\\pm\\infty) = 0', SWISH_BETA_POSITIVE, domain='\\beta > 0'),
    # docs/activations/tanh.md
    # docs/activations/tanhshrink.md
    # docs/activations/threshold.md
    Entry('activations/threshold.md', 'f(x) = x', 'hint: the prose says for x > \\theta, checked there', domain='x > \\theta'),
    Entry('activations/threshold.md', '\\bigl(f(\\theta + h) - f(\\theta)\\bigr)/h = (\\theta + h - v)/h', 'hint: the prose says for h > 0, checked there', domain='h > 0'),
    # docs/backprop/chain_rule.md
    Entry('backprop/chain_rule.md', '\\partial E / \\partial a_k = a_k - t_k', 'hint: E is the page\'s squared error (line 16, a_k = g(z_k)), its sum index renamed m', hint=(('E', '\\frac12 \\sum_{m=1}^{K} (a_m - t_m)^2'),)),
    Entry('backprop/chain_rule.md', "\\frac{\\partial E}{\\partial w_{jk}} = (a_k - t_k) \\cdot g'(z_k) \\cdot g'(z_k) \\cdot x_j", 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example and central differences of the forward)'),
    Entry('backprop/chain_rule.md', '\\frac{\\partial E}{\\partial w_{jk}} = (a_k - t_k) \\cdot x_j', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example and central differences of the forward)'),
    Entry('backprop/chain_rule.md', "g'(z_k) = 1", 'not an identity: the condition under which the quoted (a_k - t_k) x_j is right, as for g(z) = z'),
    # docs/backprop/computational_graphs.md
    Entry('backprop/computational_graphs.md', '\\bar{q} = \\partial E / \\partial q', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('backprop/computational_graphs.md', '\\bar{X} = \\bar{Y} W^{\\mathsf T}', 'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward)'),
    Entry('backprop/computational_graphs.md', '\\bar{W} = X^{\\mathsf T} \\bar{Y}', 'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward)'),
    Entry('backprop/computational_graphs.md', '\\bar{s} = m', 'hint: \\bar{s} is \\partial E / \\partial s for the E = s \\cdot m the prose gives (line 165)', hint=(('\\bar{s}', '\\frac{\\partial}{\\partial s}\\left(s\\,m\\right)'),)),
    Entry('backprop/computational_graphs.md', '\\bar{m} = s', 'hint: \\bar{m} is \\partial E / \\partial m for the E = s \\cdot m the prose gives (line 165)', hint=(('\\bar{m}', '\\frac{\\partial}{\\partial m}\\left(s\\,m\\right)'),)),
    # docs/backprop/frameworks.md
    Entry('backprop/frameworks.md', '\\bar{Y} = \\partial E / \\partial Y', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('backprop/frameworks.md', '\\bar{W} = X^{\\mathsf T} \\bar{Y}', 'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward)'),
    Entry('backprop/frameworks.md', "\\frac{\\partial E}{\\partial X_{nj}} = \\sum_{n', k} \\bar{Y}_{n'k} \\cdot \\frac{\\partial Y_{n'k}}{\\partial X_{nj}}", 'checked by: sitekit.summaries (numerically, against linear_torch_backward and its Jacobian, and central differences of the forward)'),
    Entry('backprop/frameworks.md', "Y_{n'k} = \\sum_{i=1}^{J} X_{n'i} \\cdot V_{ki} + b_k", 'checked by: sitekit.summaries (numerically, against linear_torch_forward, and central differences of the forward)'),
    Entry('backprop/frameworks.md', 'E_{\\text{mean}} = \\frac{1}{N} \\sum_{n} E_n = \\frac{1}{N} E_{\\text{sum}}', 'checked by: sitekit.summaries (numerically, against sse_half, row by row, and central differences of the forward)'),
    Entry('backprop/frameworks.md', '\\bar{X} = \\bar{Y} W^{\\mathsf T}', 'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward)'),
    Entry('backprop/frameworks.md', "\\sigma'(x) = y\\,(1 - y)", 'hint: y = \\sigma(x), the output', hint=(('y', '\\sigma(x)'),)),
    Entry('backprop/frameworks.md', "\\tanh'(x) = 1 - y^2", 'hint: y = \\tanh(x), the output', hint=(('y', '\\tanh(x)'),)),
    Entry('backprop/frameworks.md', '\\bar{A}^{(1)} = \\bar{Y} W^{(2)\\mathsf T}', 'checked by: sitekit.summaries (numerically, against dense_backward (layer 2, input A^(1)), and central differences of the forward)'),
    # docs/backprop/gradient_checking.md
    Entry('backprop/gradient_checking.md', "h'(x) = 3x^2", 'hint: h is the cubic x^3 of the chains below (line 44)', hint=(("h'(x)", '\\frac{d}{dx}\\left(x^{3}\\right)'),)),
    Entry('backprop/gradient_checking.md', "D_{+}(\\epsilon) = h'(x) + \\frac{h''(x)}{2}\\,\\epsilon + o(\\epsilon)", 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[checking-forward-difference] (SymPy takes the limit of the remainder over epsilon, for h a generic Taylor series at x; the order is read from the TeX); the TeX is pinned whole'),
    Entry('backprop/gradient_checking.md', "\\operatorname{Im} h(x + i\\epsilon) / \\epsilon = h'(x) - \\frac{h'''(x)}{6}\\,\\epsilon^2 + O(\\epsilon^4)", 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[checking-complex-step] (SymPy takes the limit of the remainder over epsilon^4, for h a generic real Taylor series at x; the order is read from the TeX); the TeX is pinned whole'),
    Entry('backprop/gradient_checking.md', '\\bar{A} = \\Delta W', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward, a square layer and central differences of the forward)'),
    # docs/backprop/gradient_descent.md
    Entry('backprop/gradient_descent.md', "E'(w) = 0", "not an identity: the condition under which the slope -(E'(w))^2 of the line before is not negative"),
    Entry('backprop/gradient_descent.md', '\\frac{d}{d\\eta} E(w - \\eta \\nabla E)\\big|_{\\eta=0} = -\\lVert \\nabla E \\rVert^2', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[descent-first-order] (SymPy differentiates a generic E of three weights along the step at eta = 0, against the right side the parser reads with the Euclidean norm); the TeX is pinned whole'),
    Entry('backprop/gradient_descent.md', 'w_n - m = (1 - \\eta c)^n (w_0 - m)', "checked by: tests/test_formula_proofs.py::test_the_formula_holds[descent-closed-form] (SymPy's rsolve solves the page's recursion w <- w - eta c (w - m) from w_0, compared with the right side the parser reads); the TeX is pinned whole"),
    Entry('backprop/gradient_descent.md', "\\delta^{(2)}_k = (y_k - t_k)\\,\\sigma'(z^{(2)}_k)", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (two sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('backprop/gradient_descent.md', "\\delta^{(1)}_j = \\bigl(\\sum_k W^{(2)}_{jk} \\delta^{(2)}_k\\bigr)\\,\\sigma'(z^{(1)}_j)", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (two sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('backprop/gradient_descent.md', '\\partial E / \\partial W_{jk} = (\\text{input } j) \\cdot \\delta_k', 'checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[descent-weight-gradient] (the 2-2-2 sigmoid network of the page with E = 1/2 sum_k (y_k - t_k)^2, delta = dE/dz by SymPy, each index pair, compared at two rational points to 1e-50 at 60 digits, for both layers); the TeX is pinned whole'),
    Entry('backprop/gradient_descent.md', '\\partial E / \\partial b_k = \\delta_k', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (two sigmoid layers; sse_half loss), one example, layers 1 and 2, and central differences of the forward)'),
    Entry('backprop/gradient_descent.md', "\\delta^{(1)} = (\\delta^{(2)} W^{(2)\\top}) \\odot \\sigma'(z^{(1)})", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (two sigmoid layers; sse_half loss), one example, as rows, and central differences of the forward)'),
    # docs/backprop/hidden_layers.md
    Entry('backprop/hidden_layers.md', "\\delta_k = (a_k - t_k) \\cdot g'(z_k)", TESTS_TEST_LAYERS_PY_TEST_IN),
    Entry('backprop/hidden_layers.md', '\\frac{\\partial E}{\\partial z^{(l)}_j} = \\sum_k \\frac{\\partial E}{\\partial z^{(l+1)}_k} \\cdot \\frac{\\partial z^{(l+1)}_k}{\\partial z^{(l)}_j}', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('backprop/hidden_layers.md', "\\delta_j = h'(z_j)", "checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[hidden-signal-of-any-dependence] (SymPy: d/dz_j of the prose's E = h(z_j), any h, with delta as the notation page defines it)"),
    Entry('backprop/hidden_layers.md', "\\delta_j = g'(z_j) \\cdot \\delta_k \\cdot w_{jk}", 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example and central differences of the forward)'),
    Entry('backprop/hidden_layers.md', "\\delta_j = g'(z_j) \\cdot \\sum_k \\delta_k \\cdot w_{jk}", TESTS_TEST_LAYERS_PY_TEST_IN),
    Entry('backprop/hidden_layers.md', "\\Delta^{(l)} = \\bigl(\\Delta^{(l+1)} W^{(l+1)}\\bigr) \\odot g'(Z^{(l)})", 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), a batch of 5 and central differences of the forward)'),
    Entry('backprop/hidden_layers.md', "\\delta_j = g'(z_j) \\sum_k \\delta_k w_{jk}", TESTS_TEST_LAYERS_PY_TEST_IN),
    # docs/backprop/initialisation.md
    Entry('backprop/initialisation.md', '\\mathbb{E}[w^2 x^2] = \\mathbb{E}[w^2]\\,\\mathbb{E}[x^2]', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-product-of-squares] (SymPy integrates each \\mathbb{E}[...] the parser reads against independent normal, then uniform, densities of w and x, any means and variances); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\mathbb{E}[w x] = \\mathbb{E}[w]\\,\\mathbb{E}[x]', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-product] (SymPy integrates each \\mathbb{E}[...] the parser reads against independent normal, then uniform, densities of w and x, any means and variances); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\mathbb{E}[w^2] = v_w + \\mu_w^2', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-mean-square] (SymPy integrates \\mathbb{E}[w^2] against a normal, then a uniform, density with mean \\mu_w and variance v_w); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\mathbb{E}[w_{ik} x_i \\, w_{jk} x_j] = \\mathbb{E}[w_{ik}]\\,\\mathbb{E}[w_{jk}]\\,\\mathbb{E}[x_i x_j] = 0', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-uncorrelated] (SymPy integrates each \\mathbb{E}[...] the parser reads, for weights of mean 0 independent of correlated inputs x_j = x_i + r); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\partial E / \\partial x_j = \\sum_{k=1}^{K} w_{jk} \\, \\delta_k', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-input-gradient] (SymPy differentiates any loss E(z_1, ..., z_K) of z_k = sum_j w_jk x_j in x_j, against the sum written out for J = K = 3, delta_k = dE/dz_k); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\mathbb{E}[\\operatorname{ReLU}(z)^2] = \\operatorname{Var}(z) / 2', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-relu-mean-square] (SymPy integrates both sides the parser reads for z normal, then uniform on [-s, s], both of mean 0); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\operatorname{Var}(z^{(l+1)}) = J \\, v_w \\, v / 2', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-relu-layer] (SymPy integrates the variance of sum_j w_j ReLU(z_j), J = 2 and 3, weights of mean 0 and variance v_w, z_j normal of mean 0 and variance v, against the right side the parser reads); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\operatorname{Var}(z^{(l)}) = v', "definition: names v, the variance of the layer's pre-activations, the premise of Var(z^{(l+1)}) = J v_w v / 2 (proved in tests/test_formula_proofs.py)"),
    Entry('backprop/initialisation.md', '\\mathbb{E}[\\operatorname{ReLU}(z)^2] = \\operatorname{Var}(z)/2', 'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-relu-mean-square-check] (SymPy integrates both sides the parser reads for z normal, then uniform on [-s, s], both of mean 0); the TeX is pinned whole'),
    Entry('backprop/initialisation.md', '\\bar{A}^{(50)} = \\partial E / \\partial A^{(50)}', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('backprop/initialisation.md', '\\operatorname{ReLU}(c z) = c \\operatorname{ReLU}(z)', 'hint: holds where the prose says it does (c > 0), checked there', domain='c > 0'),
    Entry('backprop/initialisation.md', 'J v_w = 1', "not an identity: the condition the initialisation's variance is chosen to meet"),
    # docs/backprop/losses.md
    Entry('backprop/losses.md', '\\sum_k t_k = 1', 'not an identity: the condition the targets meet (probabilities), under which tests/test_formula_proofs_losses.py proves \\partial E / \\partial z_i = p_i - t_i'),
    Entry('backprop/losses.md', '\\partial E / \\partial z_i = p_i - t_i', "checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[losses-softmax-gradient] (SymPy differentiates E = -sum_k t_k log p_k (line 31) for K = 3 with t_3 = 1 - t_1 - t_2, the prose's sum t_k = 1, for each i); the TeX is pinned whole"),
    Entry('backprop/losses.md', '\\partial E / \\partial p_j = -t_j / p_j', 'hint: E is the page\'s cross-entropy of p (line 31)', hint=(('E', '-\\sum_{k=1}^{K} t_k \\log(p_k)'),)),
    Entry('backprop/losses.md', '\\log 0 = -\\infty', "checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[losses-log-of-zero] (SymPy: the limit of log from above; NumPy's float64 log(0))"),
    Entry('backprop/losses.md', '\\delta = (\\sigma(z) - t)\\,\\sigma(z)\\,(1-\\sigma(z))', 'checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[losses-squared-error-signal] (SymPy differentiates E = (sigma(z) - t)^2 / 2 in z); the TeX is pinned whole'),
    Entry('backprop/losses.md', '\\delta = \\sigma(z) - t', 'checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[losses-cross-entropy-signal] (SymPy differentiates the binary cross-entropy of sigma(z) in z); the TeX is pinned whole'),
    # docs/backprop/matrix_form.md
    Entry('backprop/matrix_form.md', '\\bar{Y} = \\partial E / \\partial Y', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('backprop/matrix_form.md', "\\frac{\\partial E}{\\partial X_{nj}} = \\sum_{n', k} \\bar{Y}_{n'k} \\cdot \\frac{\\partial Y_{n'k}}{\\partial X_{nj}}", 'checked by: sitekit.summaries (numerically, against dense_backward and its Jacobian, and central differences of the forward)'),
    Entry('backprop/matrix_form.md', '\\frac{\\partial E}{\\partial W} = \\bar{Y}^{\\mathsf T} X', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and central differences of the forward)'),
    Entry('backprop/matrix_form.md', '\\frac{\\partial E}{\\partial Z} = \\bar{P} \\odot P \\odot (1 - P)', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against softmax_backward and central differences of the forward)'),
    # docs/backprop/output_layer.md
    Entry('backprop/output_layer.md', '\\partial E / \\partial a_k = a_k - t_k', 'hint: E is the page\'s squared error (line 12), its sum index renamed m', hint=(('E', '\\frac12 \\sum_{m=1}^{K} (a_m - t_m)^2'),)),
    Entry('backprop/output_layer.md', "\\delta_k = (a_k - t_k) \\cdot g'(z_k)", TESTS_TEST_LAYERS_PY_TEST_IN),
    Entry('backprop/output_layer.md', "\\delta_j = g'(z_j) \\cdot \\sum_k \\delta_k \\cdot w_{jk}", TESTS_TEST_LAYERS_PY_TEST_IN),
    Entry('backprop/output_layer.md', '\\frac{\\partial E}{\\partial b_k} = 1', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example and central differences of the forward)'),
    Entry('backprop/output_layer.md', '\\frac{\\partial z_k}{\\partial b_k} = 1', 'checked by: sitekit.summaries (numerically, against dense_backward, one example, and central differences of the forward)'),
    Entry('backprop/output_layer.md', '\\frac{\\partial E}{\\partial b_k} = \\delta_k \\cdot 1 = \\delta_k', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example, and central differences of the forward)'),
    # docs/backprop/regularisation.md
    Entry('backprop/regularisation.md', '\\bar{Y} = \\partial E / \\partial Y', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('backprop/regularisation.md', 'E_{\\text{reg}} = \\sum \\bar{Y} \\odot (X W + b) + \\frac{\\lambda}{2} \\lVert W \\rVert^2', 'checked by: sitekit.summaries (numerically, against dense_forward and l2_penalty, and central differences of the forward)'),
    # docs/errata.md
    Entry('errata.md', "\\sigma'(z) = \\sigma(z)\\,\\bigl(1-\\sigma(z)\\bigr) = a\\,(1-a)", 'hint: a = \\sigma(z), as the prose says', hint=(('a', '\\sigma(z)'),)),
    Entry('errata.md', "f'(x) = -a", 'quoted as wrong: the slope the quoted f(x) = \\max(-a\\,x, x) was given for x < 1 (0 < a < 1)', hint=(("f'(x)", '\\frac{d}{dx}\\max(-a\\,x, x)'),), domain='x < 1, a > 0, a < 1'),
    Entry('errata.md', "f'(x) = a", 'hint: f(x) = \\max(a\\,x, x) for 0 < a < 1 (the line before), where x < 0', hint=(("f'(x)", '\\frac{d}{dx}\\max(a\\,x, x)'),), domain='x < 0, a > 0, a < 1'),
    Entry('errata.md', "f'(x) = 1", 'hint: f(x) = \\max(a\\,x, x) for 0 < a < 1 (the line before), where x > 0', hint=(("f'(x)", '\\frac{d}{dx}\\max(a\\,x, x)'),), domain='x > 0, a > 0, a < 1'),
    Entry('errata.md', 'a \\max(0, x) = \\max(0, a\\,x)', 'quoted as wrong: false for a < 0, which the quote forgets (the Correct line states it for a >= 0)', domain='a < 0'),
    Entry('errata.md', 'a \\max(0, x) = \\max(0, a\\,x)', 'hint: holds where the prose says it does (a >= 0), checked there', domain='a > 0'),
    Entry('errata.md', "\\operatorname{ReLU}'(x) = 0", WHERE_X_BELOW_0, domain='x < 0'),
    Entry('errata.md', '\\frac{\\partial p_i}{\\partial z_j} = p_i\\,([i = j] - p_j)', 'checked by: tests/test_summaries_vector.py::test_read_formulas_hold (numerically, against softmax_vjp, softmax_jacobian, and central differences of the forward; its notation read by sitekit.summary_bindings_vector.read)'),
    Entry('errata.md', "f'(x) = 1 - f(x)^2", "quoted as wrong: tanh's rule copied to softsign, the function of this paragraph", hint=(("f'(x)", "\\operatorname{softsign}'(x)"), ('f(x)', '\\operatorname{softsign}(x)'))),
    Entry('errata.md', "f'(x) = \\frac{1}{(1+|x|)^2} = \\bigl(1 - |f(x)|\\bigr)^2", 'hint: f is softsign, the function of this paragraph', hint=(("f'(x)", "\\operatorname{softsign}'(x)"), ('f(x)', '\\operatorname{softsign}(x)'))),
    Entry('errata.md', "f'(x) = \\lambda\\,\\bigl(f(x) + \\alpha\\bigr)", "quoted as wrong: SELU's f(x) = \\lambda \\alpha (e^x - 1) for x < 0, as the correction below states", hint=(("f'(x)", '\\frac{d}{dx}\\left(\\lambda\\,\\alpha\\,(e^{x} - 1)\\right)'), ('f(x)', '\\lambda\\,\\alpha\\,(e^{x} - 1)')), domain='x < 0'),
    Entry('errata.md', "f'(x) = \\lambda\\,\\alpha\\,e^{x} = f(x) + \\lambda\\,\\alpha", "hint: SELU's f(x) = \\lambda \\alpha (e^x - 1) for x < 0, as the line states", hint=(("f'(x)", '\\frac{d}{dx}\\left(\\lambda\\,\\alpha\\,(e^{x} - 1)\\right)'), ('f(x)', '\\lambda\\,\\alpha\\,(e^{x} - 1)')), domain='x < 0'),
    Entry('errata.md', "\\frac{\\partial E}{\\partial w} = (\\sigma - t)\\,\\sigma'\\,\\sigma'\\,x", 'quoted as wrong: the slope taken twice, as the paragraph quotes it', hint=(('E', '\\tfrac12\\,(\\sigma(w\\,x) - t)^2'), ("\\sigma'", "\\sigma'(w\\,x)"), ('\\sigma', '\\sigma(w\\,x)'))),
    Entry('errata.md', "\\frac{\\partial E}{\\partial w} = (\\sigma(w\\,x) - t)\\,\\sigma'(w\\,x)\\,x", 'hint: E = \\tfrac12(\\sigma(w x) - t)^2, the loss the prose gives', hint=(('E', '\\tfrac12\\,(\\sigma(w\\,x) - t)^2'),)),
    Entry('errata.md', "\\delta^{(1)}_j = g'(z^{(1)}_j) \\sum_k w^{(2)}_{jk}\\, \\delta^{(2)}_k", 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, then sigmoid layer; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial b^{(l)}_j} = \\delta^{(l)}_j', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial b^{(2)}_k} = \\delta^{(2)}_k', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, then sigmoid layer; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial b^{(1)}_j} = \\delta^{(1)}_j', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, then sigmoid layer; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\delta_k = \\frac{\\partial E}{\\partial z_k}', 'definition: the error signal \\delta_k (notation page)'),
    Entry('errata.md', '\\frac{\\partial z_k}{\\partial w_{jk}} = a_j', 'checked by: sitekit.summaries (numerically, against dense_backward with a one-hot upstream gradient, one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial z_k}{\\partial b_k} = 1', 'checked by: sitekit.summaries (numerically, against dense_backward with a one-hot upstream gradient, one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial w^{(l)}_{jk}} = a^{(l-1)}_j\\, \\delta^{(l)}_k', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial b^{(l)}_k} = \\delta^{(l)}_k', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    Entry('errata.md', '\\frac{\\partial E}{\\partial W^{(l)}} = \\bigl(A^{(l-1)}\\bigr)^{\\mathsf T} \\Delta^{(l)}', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), a batch of 5, and central differences of the forward)'),
    # docs/index.md
    Entry('index.md', "\\sigma' = \\sigma\\,(1 - \\sigma)", SIGMA_AND_SIGMA_STAND_FOR_SI, hint=(("\\sigma'", "\\sigma'(x)"), ('\\sigma', '\\sigma(x)'))),
    Entry('index.md', "\\sigma'(x) = \\sigma(x)\\,(1+\\sigma(x))", "quoted as wrong: the table's column of formulas written in the wild"),
    Entry('index.md', "\\tanh'(x) = \\frac{1}{1+x^2}", "quoted as wrong: the table's column of formulas written in the wild"),
    Entry('index.md', '= \\max(-ax, x)', 'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[index-leaky-relu-mistake] (a mistake quoted as wrong: SymPy finds it apart from leaky ReLU for x < 0 at slopes 1/100 and 1/2; the fault is the correction max(ax, x)); the TeX is pinned whole'),
    Entry('index.md', 'a \\max(0, x) = \\max(0, ax)', "hint: true for a > 0, which the next column says; the column before quotes it 'for all a'", domain='a > 0'),
    Entry('index.md', '\\frac{\\partial E}{\\partial b^{(l)}} = \\delta^{(l)}', 'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward)'),
    # docs/layers/attention.md
    Entry('layers/attention.md', '\\bar{Q} = \\bar{Z} K', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against attention_backward and central differences of the forward)'),
    Entry('layers/attention.md', '\\bar{K} = \\bar{Z}^{\\mathsf T} Q', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against attention_backward and central differences of the forward)'),
    Entry('layers/attention.md', '\\bar{V} = P \\bar{Y}', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against attention_backward and central differences of the forward)'),
    Entry('layers/attention.md', '\\bar{Z} = \\bar{P} \\odot P \\odot (1 - P)', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against attention_backward and central differences of the forward)'),
    # docs/layers/batchnorm.md
    Entry('layers/batchnorm.md', '\\bar{x}_m = \\sum_n \\bar{y}_n \\cdot \\gamma \\cdot \\frac{\\partial \\hat{x}_n}{\\partial x_m}', 'checked by: sitekit.summaries (numerically, against batchnorm_backward and its Jacobian, column 1, and central differences of the forward)'),
    Entry('layers/batchnorm.md', '\\bar{X} = \\bar{Y} \\odot \\gamma / \\sqrt{v_{\\text{run}} + \\kappa}', 'checked by: sitekit.summaries (numerically, against central differences of batchnorm_inference)'),
    Entry('layers/batchnorm.md', '\\bar{X} = \\bar{Y} \\odot \\gamma / s', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against batchnorm_backward and central differences of the forward)'),
    # docs/layers/conv2d.md
    Entry('layers/conv2d.md', 's i + u = \\alpha', THE_INDEX_CONDITION_THAT_PIC),
    Entry('layers/conv2d.md', 's j + v = \\beta', THE_INDEX_CONDITION_THAT_PIC),
    # docs/layers/dropout.md
    Entry('layers/dropout.md', '\\bar{X} = M \\odot \\bar{Y}', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against dropout_backward and central differences of the forward)'),
    # docs/layers/layernorm.md
    Entry('layers/layernorm.md', '\\bar{x}_j = \\sum_i \\bar{y}_i \\cdot \\gamma_i \\cdot \\frac{\\partial \\hat{x}_i}{\\partial x_j}', 'checked by: sitekit.summaries (numerically, against layernorm_backward and its Jacobian, row 1, and central differences of the forward)'),
    Entry('layers/layernorm.md', '\\bar{\\hat{X}} = \\bar{Y} \\odot \\gamma', 'checked by: sitekit.summaries (numerically, against central differences of y = gamma x-hat + beta)'),
    Entry('layers/layernorm.md', '\\bar{x} = \\bar{y} \\odot \\gamma / s', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against layernorm_backward, row 1 and central differences of the forward)'),
    Entry('layers/layernorm.md', '\\bar{x} = \\frac{1}{s}\\bigl(\\bar{\\hat{x}} - \\operatorname{mean}(\\bar{\\hat{x}})\\bigr)', 'checked by: sitekit.summaries (a mistake quoted as wrong: numerically false against layernorm_backward, row 1 and central differences of the forward)'),
    Entry('layers/layernorm.md', '\\bar{\\hat{x}} = \\bar{y} \\odot \\gamma', 'checked by: sitekit.summaries (numerically, against central differences of y = gamma x-hat + beta, row 1)'),
    # docs/layers/lstm.md
    Entry('layers/lstm.md', '\\bar{Y} = \\partial E / \\partial Y', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('layers/lstm.md', "\\sigma' = \\sigma (1 - \\sigma)", SIGMA_AND_SIGMA_STAND_FOR_SI, hint=(("\\sigma'", "\\sigma'(x)"), ('\\sigma', '\\sigma(x)'))),
    Entry('layers/lstm.md', '\\bar{Z}_t = \\partial E / \\partial Z_t', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('layers/lstm.md', '\\bar{h}_t = \\bar{Y}_t + \\bar{s}_{t+1}', 'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward)'),
    # docs/layers/pooling.md
    Entry('layers/pooling.md', 's i + u = \\alpha', THE_INDEX_CONDITION_THAT_PIC),
    Entry('layers/pooling.md', 's j + v = \\beta', THE_INDEX_CONDITION_THAT_PIC),
    Entry('layers/pooling.md', '\\bar{M} = \\bar{Y} \\, \\mathbf{1}^{\\mathsf T} / U^2', 'checked by: sitekit.summaries (numerically, against avgpool2d_backward, and central differences of the forward)'),
    Entry('layers/pooling.md', '\\bar{M} = \\bar{Y} \\, \\mathbf{1}^{\\mathsf T} \\odot S', 'checked by: sitekit.summaries (numerically, against maxpool2d_backward, and central differences of the forward)'),
    # docs/layers/rnn.md
    Entry('layers/rnn.md', '\\bar{Y} = \\partial E / \\partial Y', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('layers/rnn.md', "\\tanh'(Z_t) = 1 - h_t \\odot h_t", 'checked by: sitekit.summaries (numerically, against rnn_forward, and central differences of the forward)'),
    Entry('layers/rnn.md', '\\bar{Z}_t = \\partial E / \\partial Z_t', NAMES_THE_UPSTREAM_GRADIENT),
    Entry('layers/rnn.md', '\\bar{s}_t = \\bar{Z}_t W_h^{\\mathsf T}', 'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward)'),
    Entry('layers/rnn.md', '\\bar{X}_t = \\bar{Z}_t W_x^{\\mathsf T}', 'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward)'),
    Entry('layers/rnn.md', '\\bar{h}_0 = \\bar{s}_1', 'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward)'),
    Entry('layers/rnn.md', '\\bar{s}_1 = \\bar{h}_0', 'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward)'),
    Entry('layers/rnn.md', '\\bar{h}_t = \\bar{Y}_t + \\bar{s}_{t+1}', 'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward)'),
    # docs/notation.md
    Entry('notation.md', "f'(x) = \\frac{dy}{dx}", "definition: names f', the derivative of f (notation page)"),
    Entry('notation.md', '\\bar{v} = \\frac{\\partial E}{\\partial v}', 'definition: \\bar{v} names the upstream gradient (notation page)'),
    Entry('notation.md', '\\bar{y} = \\frac{\\partial E}{\\partial y}', BAR_Y_NAMES_THE_UPSTREAM_GRA),
    Entry('notation.md', '\\bar{Y} = \\frac{\\partial E}{\\partial Y}', 'definition: \\bar{Y} names the upstream gradient (notation page)'),
    Entry('notation.md', '\\bar{p} = \\frac{\\partial E}{\\partial p}', 'definition: \\bar{p} names the upstream gradient (notation page)'),
    Entry('notation.md', "\\frac{\\partial E}{\\partial x} = \\frac{\\partial E}{\\partial y} \\cdot f'(x)", 'checked by: sitekit.summaries (numerically, against activation_backward (f = tanh) at one x, and central differences of the forward)'),
    Entry('notation.md', "\\bar{x} = \\bar{y} \\cdot f'(x)", 'checked by: sitekit.summaries (numerically, against activation_backward (f = tanh) at one x, and central differences of the forward)'),
    Entry('notation.md', '\\delta_k = \\frac{\\partial E}{\\partial z_k} = \\bar{z}_k', "definition: the error signal \\delta_k and \\bar{z}_k, the notation page's own definitions"),
    Entry('notation.md', '\\Delta_{nk} = \\frac{\\partial E}{\\partial Z_{nk}}', "definition: the batch's error signals \\Delta, the notation page's own definition"),
]
