"""The display formulas sitekit.formulas does not check, each with its reason.

One entry per formula: the page (relative to docs/), a fragment of the
formula's TeX that no other display formula of the page contains
(whitespace-insensitive), and why it is not checked here. A "checked by:" entry
pins the whole formula (its final punctuation aside): any edit unpins it, and
the build fails on it until it is checked or reviewed here again. A "hint:"
entry's formula is checked, so its edits are caught by the check itself. The reason starts
with its kind:
- "definition:" the formula introduces a name (`y = f(x)`) or notation;
- "unreadable:" the parser cannot read it (matrices, vectors, cases, ...);
- "checked by:" another check covers it, named (a test or an executed block);
- "hint:" not an exception: checked once the names of `hint` are put in;
- "wrong:" an error found in the page, reported for a fix (temporary).
No catch-all: an entry matching no formula of its page fails the build (stale).
"""

from __future__ import annotations

from sitekit.exception_entry import Entry


EXCEPTIONS: list[Entry] = [
    # docs/activations/hardtanh.md:12
    Entry('activations/hardtanh.md',
          '\\operatorname{hardtanh}(x) = \\max\\bigl(a, \\min(b, x)\\bigr)',
          'hint: the bounds are ordered, a < b, as the formula itself states',
          domain='a < b'),
    # docs/activations/hardtanh.md:53
    Entry('activations/hardtanh.md',
          '\\frac{\\partial \\operatorname{hardtanh}}{\\partial a}',
          'hint: the bounds are ordered, a < b (the definition above)',
          domain='a < b'),
    # docs/activations/softshrink.md:12
    Entry('activations/softshrink.md',
          '\\;=\\; x - \\max\\bigl(-\\lambda, \\min(\\lambda, x)\\bigr)',
          'hint: the threshold is positive, \\lambda > 0, as the page defines it',
          domain='\\lambda > 0'),
    # docs/activations/softshrink.md:42
    Entry('activations/softshrink.md',
          '\\frac{\\partial \\operatorname{softshrink}}{\\partial \\lambda}',
          'hint: the threshold is positive, \\lambda > 0, as the page defines it',
          domain='\\lambda > 0'),
    # docs/activations/selu.md:12
    Entry('activations/selu.md',
          '\\operatorname{SELU}(x) = \\lambda \\begin{cases}',
          'hint: \\lambda and \\alpha are the fixed constants the page states below',
          hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717'))),
    # docs/activations/selu.md:60
    Entry('activations/selu.md',
          "\\operatorname{SELU}'(x) = \\begin{cases}",
          'hint: \\lambda and \\alpha are the fixed constants the page states',
          hint=(('\\lambda', '1.0507009873554804934193349852946'), ('\\alpha', '1.6732632423543772848170429916717'))),
    # docs/activations/rrelu.md:14
    Entry('activations/rrelu.md',
          'f(x) = \\begin{cases} a\\,x & x < 0',
          'definition: RReLU in training mode, a drawn from U(l, u) per element; evaluation mode (a = (l + u)/2) is the definition the derivation checks'),
    # docs/activations/binary_step.md:82
    Entry('activations/binary_step.md',
          "\\int_{-\\infty}^{\\infty} f'(x)\\,\\varphi(x)\\,dx = -\\int_{-\\infty}^{\\infty} f(x)\\,\\varphi'(x)\\,dx = -\\int_{0}^{\\infty} \\varphi'(x)\\,dx = \\varphi(0)",
          'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[binary-step-distribution] (the first side defines the derivative f\' by integration by parts; SymPy evaluates the integrals of the other sides for three test functions and finds \\varphi(0)); the TeX is pinned whole'),
    # docs/activations/gelu.md:13
    Entry('activations/gelu.md',
          '\\operatorname{GELU}(x) = x\\,\\Phi(x)',
          'hint: \\Phi is the standard normal distribution function (page line 17)',
          hint=(('\\Phi(x)', '\\frac{1}{2}\\left(1+\\operatorname{erf}\\left(\\frac{x}{\\sqrt{2}}\\right)\\right)'),)),
    # docs/activations/gelu.md:46
    Entry('activations/gelu.md',
          "\\operatorname{GELU}'(x) = \\Phi(x)",
          'hint: \\Phi and \\varphi are the standard normal distribution function and its density (page lines 17-18)',
          hint=(('\\Phi(x)', '\\frac{1}{2}\\left(1+\\operatorname{erf}\\left(\\frac{x}{\\sqrt{2}}\\right)\\right)'), ('\\varphi(x)', '\\frac{1}{\\sqrt{2\\pi}}\\,e^{-x^{2}/2}'))),
    # docs/activations/gelu_tanh.md:12
    Entry('activations/gelu_tanh.md',
          'f(x) = \\frac{x}{2}',
          "hint: u = \\sqrt{2/\\pi}(x + 0.044715 x^3), the formula's own second statement",
          hint=(("u", r"\sqrt{2/\pi}\,\left(x+0.044715\,x^{3}\right)"),)),
    # docs/activations/gelu_tanh.md:73
    Entry('activations/gelu_tanh.md',
          "f'(x) = \\sigma(2u)",
          "hint: u and u'(x) as the page defines them (line 13 and this formula's second statement)",
          hint=(("u'(x)", r"\sqrt{2/\pi}\,\left(1+3 \cdot 0.044715\,x^{2}\right)"),
                ("u", r"\sqrt{2/\pi}\,\left(x+0.044715\,x^{3}\right)"))),
    # docs/activations/glu.md:14
    Entry('activations/glu.md',
          '\\operatorname{glu}(x) = u \\odot',
          'definition: glu, of a vector split in halves u and v (\\odot); not a function of one x'),
    # docs/activations/glu.md:88
    Entry('activations/glu.md',
          '\\frac{\\partial y_i}{\\partial u_i} = \\sigma(v_i), \\qquad \\frac{\\partial y_i}{\\partial v_i} = u_i\\,\\sigma(v_i)\\,\\bigl(1 - \\sigma(v_i)\\bigr)',
          'checked by: tests/test_formula_jacobians.py::test_the_gate_partials_hold[activations/glu.md] (SymPy proves its partials of y_i equal to the Jacobian of the definition, m = 2); the TeX is pinned whole'),
    # docs/activations/glu.md:97
    Entry('activations/glu.md',
          '\\bar{x} = \\frac{\\partial E}{\\partial x} = \\Bigl[\\, \\bar{y} \\odot \\sigma(v), \\;\\; \\bar{y} \\odot u \\odot \\sigma(v) \\odot \\bigl(1 - \\sigma(v)\\bigr) \\Bigr]',
          'checked by: tests/test_formula_jacobians.py::test_the_gate_partials_hold[activations/glu.md] (SymPy proves its \\bar{x} equal to the transposed Jacobian of the definition times \\bar{y}, m = 2); the TeX is pinned whole'),
    # docs/activations/linear.md:12
    Entry('activations/linear.md',
          'f(x) = c\\,x, \\qquad c = 1 \\text{',
          "definition: the linear function's f(x) = c x and its parameter's default, c = 1, in words"),
    # docs/activations/linear.md:162
    Entry('activations/linear.md',
          'Y = c\\,\\bigl(c\\,(X W_1 + b_1)\\,W_2',
          'definition: introduces Y'),
    # docs/activations/log_softmax.md:14
    Entry('activations/log_softmax.md',
          'y_i = \\log(p_i) = z_i - \\log\\Bigl(\\sum_{k=1}^{K}',
          "hint: p_i is softmax's output (the prose below), y_i the name the formula introduces (its last side)",
          hint=(('y_i', 'z_i - \\log\\Bigl(\\sum_{k=1}^{K} e^{z_k}\\Bigr)'),
                ('p_i', '\\frac{e^{z_i}}{\\sum_{k=1}^{K} e^{z_k}}'))),
    # docs/activations/log_softmax.md:93
    Entry('activations/log_softmax.md',
          '\\frac{\\partial y_i}{\\partial z_j} = [i = j] - p_j',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/log_softmax.md] (SymPy proves its entries equal to the Jacobian of the log-softmax definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/log_softmax.md:101
    Entry('activations/log_softmax.md',
          '\\frac{\\partial y}{\\partial z} = I - \\mathbf{1}\\,p^{\\mathsf T}',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/log_softmax.md] (SymPy proves its matrix form equal to the Jacobian of the log-softmax definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/log_softmax.md:110
    Entry('activations/log_softmax.md',
          '\\bar{z} = \\Bigl(\\frac{\\partial y}{\\partial z}\\Bigr)^{\\mathsf T} \\bar{y} = \\bar{y} - p \\sum_{i=1}^{K} \\bar{y}_i',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/log_softmax.md] (SymPy proves its vector-Jacobian product equal to the transposed Jacobian of the log-softmax definition times the upstream gradient, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/mish.md:47
    Entry('activations/mish.md',
          '\\frac{u\\,(u+2)}',
          'hint: u = e^{x} (page line 44)',
          hint=(('u', 'e^{x}'),)),
    # docs/activations/prelu.md:91
    Entry('activations/prelu.md',
          '\\frac{\\partial E}{\\partial \\alpha} = \\sum_i \\bar{y}_i\\,\\min(0, x_i)',
          'checked by: tests/test_formula_jacobians.py::test_the_prelu_alpha_gradient_holds (SymPy proves it equal to the chain rule for an arbitrary loss E of three PReLU outputs sharing alpha); the TeX is pinned whole'),
    # docs/activations/selu.md:18
    Entry('activations/selu.md',
          '\\alpha = 1.6732632423543772848170429916717',
          "definition: the constants \\alpha and \\lambda (their values are sitekit/definitions*.py's)"),
    # docs/activations/softmax.md:13
    Entry('activations/softmax.md',
          'p_i = \\frac{e^{z_i}}{\\sum_{k=1}^{K}',
          'definition: softmax p_i (a sum in a fraction the parser cannot read as written)'),
    # docs/activations/softmax.md:28
    Entry('activations/softmax.md',
          '\\operatorname{softmax}(z + c) = \\operatorname{softmax}(z)',
          "checked by: tests/test_checker_exceptions.py::test_softmax_is_shift_invariant (SymPy proves every entry of "
          "the definition's softmax(z + c) equal to softmax(z), K = 2 to 6); the TeX is pinned whole"),
    # docs/activations/softmax.md:86
    Entry('activations/softmax.md',
          '\\frac{\\partial p_i}{\\partial z_j} = p_i\\,([i = j] - p_j)',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmax.md] (SymPy proves its entries equal to the Jacobian of the softmax definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/softmax.md:94
    Entry('activations/softmax.md',
          '\\frac{\\partial p}{\\partial z} = \\operatorname{diag}(p) - p\\,p^{\\mathsf T}',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmax.md] (SymPy proves its matrix form equal to the Jacobian of the softmax definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/softmax.md:103
    Entry('activations/softmax.md',
          '\\bar{z} = \\Bigl(\\frac{\\partial p}{\\partial z}\\Bigr)^{\\mathsf T} \\bar{p} = p \\odot \\bigl(\\bar{p} - (\\bar{p} \\cdot p)\\bigr)',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmax.md] (SymPy proves its vector-Jacobian product equal to the transposed Jacobian of the softmax definition times the upstream gradient, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/softmin.md:13
    Entry('activations/softmin.md',
          'q_i = \\frac{e^{-z_i}}{\\sum_{k=1}^{K}',
          "checked by: the executed block at softmin.md:32, which asserts softmin(z) = softmax(-z) bit for bit "
          "on 1000 random vectors; the first side defines q_i (a sum in a fraction the parser cannot read as written)"),
    # docs/activations/softmin.md:89
    Entry('activations/softmin.md',
          '\\frac{\\partial q_i}{\\partial z_j} = -q_i\\,([i = j] - q_j)',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmin.md] (SymPy proves its entries equal to the Jacobian of the softmin definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/softmin.md:97
    Entry('activations/softmin.md',
          '\\frac{\\partial q}{\\partial z} = q\\,q^{\\mathsf T} - \\operatorname{diag}(q)',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmin.md] (SymPy proves its matrix form equal to the Jacobian of the softmin definition, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/softmin.md:105
    Entry('activations/softmin.md',
          '\\bar{z} = \\Bigl(\\frac{\\partial q}{\\partial z}\\Bigr)^{\\mathsf T} \\bar{q} = -q \\odot \\bigl(\\bar{q} - (\\bar{q} \\cdot q)\\bigr)',
          'checked by: tests/test_formula_jacobians.py::test_the_jacobian_formulas_hold[activations/softmin.md] (SymPy proves its vector-Jacobian product equal to the transposed Jacobian of the softmin definition times the upstream gradient, K = 2 and 3); the TeX is pinned whole'),
    # docs/activations/swiglu.md:14
    Entry('activations/swiglu.md',
          '\\operatorname{swiglu}(x) = \\operatorname{silu}(u)',
          'definition: swiglu, of a vector split in halves u and v (\\odot); not a function of one x'),
    # docs/activations/swiglu.md:97
    Entry('activations/swiglu.md',
          "\\frac{\\partial y_i}{\\partial u_i} = v_i\\,\\operatorname{silu}'(u_i) = v_i\\,\\sigma(u_i)\\,\\bigl(1 + u_i\\,(1 - \\sigma(u_i))\\bigr), \\qquad \\frac{\\partial y_i}{\\partial v_i} = \\operatorname{silu}(u_i)",
          'checked by: tests/test_formula_jacobians.py::test_the_gate_partials_hold[activations/swiglu.md] (SymPy proves its partials of y_i equal to the Jacobian of the definition, m = 2); the TeX is pinned whole'),
    # docs/activations/swiglu.md:106
    Entry('activations/swiglu.md',
          "\\bar{x} = \\frac{\\partial E}{\\partial x} = \\Bigl[\\, \\bar{y} \\odot v \\odot \\operatorname{silu}'(u), \\;\\; \\bar{y} \\odot \\operatorname{silu}(u) \\Bigr]",
          'checked by: tests/test_formula_jacobians.py::test_the_gate_partials_hold[activations/swiglu.md] (SymPy proves its \\bar{x} equal to the transposed Jacobian of the definition times \\bar{y}, m = 2); the TeX is pinned whole'),
    # docs/activations/tanhshrink.md:75
    Entry('activations/tanhshrink.md',
          'x - \\tanh(x) = x\\,s\\,g(s), \\qquad g(s) = \\frac{x - \\tanh(x)}{x^3} = \\frac13 - \\frac{2s}{15} + \\frac{17s^2}{315} - \\dots',
          'checked by: tests/test_formula_proofs_activations.py::test_the_formula_holds[tanhshrink-series] (SymPy: the product with s = x^2 and the stated g, and the series of g against its limit: the stated terms exact, the next one negative as `- \\dots` says); the TeX is pinned whole'),
    # docs/backprop/chain_rule.md:8
    Entry('backprop/chain_rule.md',
          'z_k = \\sum_{j=1}^{J} w_{jk} \\cdot',
          'definition: introduces z_k'),
    # docs/backprop/chain_rule.md:15
    Entry('backprop/chain_rule.md',
          'E = \\frac12 \\sum_{k=1}^{K} \\bigl(g(z_k)',
          'definition: introduces E'),
    # docs/backprop/chain_rule.md:21
    Entry('backprop/chain_rule.md',
          "\\frac{\\partial E}{\\partial w_{jk}} = \\frac{\\partial E}{\\partial a_k} \\cdot \\frac{\\partial a_k}{\\partial z_k} \\cdot \\frac{\\partial z_k}{\\partial w_{jk}} = \\bigl(g(z_k) - t_k\\bigr) \\cdot g'(z_k) \\cdot x_j",
          "checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[chain-rule-three-factors] (z_k and E read from the page's lines 8 and 15, g any differentiable function, J = K = 2; SymPy derives each factor from its own definition and compares the three sides); the TeX is pinned whole"),
    # docs/backprop/chain_rule.md:88
    Entry('backprop/chain_rule.md',
          "\\frac{\\partial E}{\\partial W} = X^{\\mathsf T} \\Bigl( (A - T) \\odot g'(Z) \\Bigr)",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), a batch of 5, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/computational_graphs.md:19
    Entry('backprop/computational_graphs.md',
          '\\bar{u} = \\frac{\\partial E}{\\partial u} = \\frac{\\partial E}{\\partial q} \\cdot \\frac{\\partial q}{\\partial u} = \\bar{q} \\cdot \\frac{\\partial q}{\\partial u}',
          'checked by: sitekit.summaries (numerically, against multiply_backward, a chain of two multiply gates, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/computational_graphs.md:36
    Entry('backprop/computational_graphs.md',
          'q = u + v, \\qquad \\bar{u} = \\bar{q}',
          'definition: introduces q'),
    # docs/backprop/computational_graphs.md:59
    Entry('backprop/computational_graphs.md',
          'q = u \\cdot v, \\qquad \\bar{u} =',
          'definition: introduces q'),
    # docs/backprop/computational_graphs.md:85
    Entry('backprop/computational_graphs.md',
          'q = \\max(u, v), \\qquad \\bar{u}',
          'definition: introduces q'),
    # docs/backprop/computational_graphs.md:166
    Entry('backprop/computational_graphs.md',
          '\\bar{u} = \\bar{s} \\cdot \\frac{\\partial s}{\\partial u} + \\bar{m} \\cdot \\frac{\\partial m}{\\partial u} = m \\cdot 1 + s \\cdot v',
          "checked by: sitekit.summaries (numerically, against fork_example and the gates' backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again"),
    # docs/backprop/computational_graphs.md:221
    Entry('backprop/computational_graphs.md',
          'E(u, v) = \\frac{u + \\sigma(v)}{\\sigma(u)',
          'definition: introduces E(u, v)'),
    # docs/backprop/frameworks.md:7
    Entry('backprop/frameworks.md',
          'Y = X W + b, \\qquad X: N \\times',
          'definition: introduces Y'),
    # docs/backprop/frameworks.md:21
    Entry('backprop/frameworks.md',
          'Y = X V^{\\mathsf T} + b, \\qquad V: K \\times J, \\qquad V = W^{\\mathsf T}',
          'checked by: sitekit.summaries (numerically, against linear_torch_forward, dense_from_torch, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/frameworks.md:27
    Entry('backprop/frameworks.md',
          '\\bar{X} = \\bar{Y} \\, V, \\qquad \\bar{V} = \\bar{Y}^{\\mathsf T} X = \\bigl(X^{\\mathsf T} \\bar{Y}\\bigr)^{\\mathsf T}, \\qquad \\bar{b} = \\sum_{n=1}^{N} \\bar{Y}_{n,:}',
          'checked by: sitekit.summaries (numerically, against linear_torch_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/frameworks.md:212
    Entry('backprop/frameworks.md',
          'W - \\eta \\, \\frac{\\partial E_{\\text{mean}}}{\\partial W} = W - \\frac{\\eta}{N} \\, \\frac{\\partial E_{\\text{sum}}}{\\partial W}',
          'checked by: sitekit.summaries (numerically, against central differences of dense_forward with sse_half); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/gradient_checking.md:11
    Entry('backprop/gradient_checking.md',
          'D_{+}(\\epsilon) = \\frac{h(x+\\epsilon)',
          'definition: introduces the difference quotients D_+ and D_0 of h'),
    # docs/backprop/gradient_checking.md:19
    Entry('backprop/gradient_checking.md',
          'D_{i}(\\epsilon) = \\frac{\\operatorname{Im}',
          'definition: introduces the complex-step quotient D_i'),
    # docs/backprop/gradient_checking.md:25
    Entry('backprop/gradient_checking.md',
          'r = \\frac{\\lvert u - v \\rvert}{\\max(\\lvert',
          'definition: introduces r'),
    # docs/backprop/gradient_descent.md:82
    Entry('backprop/gradient_descent.md',
          'W \\leftarrow W - \\eta \\, \\frac{\\partial E}{\\partial W}, \\qquad b \\leftarrow b - \\eta \\, \\frac{\\partial E}{\\partial b}, \\qquad \\frac{\\partial E}{\\partial W} = X^{\\top} \\Delta, \\quad \\frac{\\partial E}{\\partial b} = \\mathbf{1}^{\\top} \\Delta',
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), a batch of 5, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/gradient_descent.md:97
    Entry('backprop/gradient_descent.md',
          '\\frac{\\partial E}{\\partial W} = \\frac{1}{N} \\sum_{n=1}^{N} \\frac{\\partial E_n}{\\partial W}',
          'checked by: tests/test_claims_training.py::test_gd_batch_gradient_is_the_mean_of_the_per_example_gradients (the page\'s batch gradient against the mean of its per-example gradients and central differences); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/hidden_layers.md:7
    Entry('backprop/hidden_layers.md',
          'z_j = \\sum_{i} w_{ij} \\cdot a_i',
          'definition: introduces z_j and a_j (a sum without bounds)'),
    # docs/backprop/hidden_layers.md:15
    Entry('backprop/hidden_layers.md',
          "\\delta_j = \\frac{\\partial E}{\\partial z_j} = g'(z_j) \\cdot \\sum_{k} \\delta_k \\cdot w_{jk}",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/hidden_layers.md:21
    Entry('backprop/hidden_layers.md',
          '\\frac{\\partial E}{\\partial w_{ij}} = \\delta_j \\cdot a_i, \\qquad \\frac{\\partial E}{\\partial b_j} = \\delta_j',
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/hidden_layers.md:28
    Entry('backprop/hidden_layers.md',
          "\\delta^{(l)}_j = g'\\bigl(z^{(l)}_j\\bigr) \\cdot \\sum_{k} \\delta^{(l+1)}_k \\cdot w^{(l+1)}_{jk}, \\qquad \\frac{\\partial E}{\\partial w^{(l)}_{ij}} = \\delta^{(l)}_j \\cdot a^{(l-1)}_i, \\qquad \\frac{\\partial E}{\\partial b^{(l)}_j} = \\delta^{(l)}_j",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), one example, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/hidden_layers.md:98
    Entry('backprop/hidden_layers.md',
          "\\Delta^{(l)} = \\Bigl( \\Delta^{(l+1)} \\, \\bigl(W^{(l+1)}\\bigr)^{\\mathsf T} \\Bigr) \\odot g'\\bigl(Z^{(l)}\\bigr), \\qquad \\frac{\\partial E}{\\partial W^{(l)}} = \\bigl(A^{(l-1)}\\bigr)^{\\mathsf T} \\, \\Delta^{(l)}, \\qquad \\frac{\\partial E}{\\partial b^{(l)}} = \\sum_{n=1}^{N} \\Delta^{(l)}_{n,:}",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (tanh, tanh, sigmoid layers; sse_half loss), a batch of 5, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/initialisation.md:15
    Entry('backprop/initialisation.md',
          'z_k = \\sum_{j=1}^{J} w_{jk} \\',
          'definition: introduces z_k'),
    # docs/backprop/initialisation.md:23
    Entry('backprop/initialisation.md',
          '\\operatorname{Var}(w) = \\frac{1}{J}',
          'definition: the variances of four initialisation schemes, with words'),
    # docs/backprop/initialisation.md:67
    Entry('backprop/initialisation.md',
          '\\operatorname{Var}(z_k) = \\sum_{j=1}^{J} \\operatorname{Var}(w_{jk} x_j) = J \\, v_w \\, \\mathbb{E}[x^2]',
          'checked by: tests/test_formula_proofs.py::test_the_formula_holds[init-layer-variance] (the sum written out for J = 2 and 3; SymPy integrates each Var(...) and E[...] the parser reads, weights of mean 0 independent of inputs that are alike but correlated; the fault is the wrong J v_w v_x the page quotes); the TeX is pinned whole'),
    # docs/backprop/losses.md:12
    Entry('backprop/losses.md',
          'E = \\frac{1}{2} \\sum_{k=1}^{K} \\left(y_k - t_k\\right)^2, \\qquad \\frac{\\partial E}{\\partial y_j} = y_j - t_j',
          'checked by: tests/test_formula_jacobians.py::test_the_squared_error_gradient_holds (SymPy differentiates the formula\'s E in each y_j, K = 3; E itself is the definition); the TeX is pinned whole'),
    # docs/backprop/losses.md:20
    Entry('backprop/losses.md',
          'E = -t \\log\\bigl(\\sigma(z)\\bigr) - (1-t) \\log\\bigl(1-\\sigma(z)\\bigr)',
          'hint: E is the binary cross-entropy the formula opens with, put in for \\partial E / \\partial z',
          hint=(('E', '-t \\log\\bigl(\\sigma(z)\\bigr) - (1-t) \\log\\bigl(1-\\sigma(z)\\bigr)'),)),
    # docs/backprop/losses.md:30
    Entry('backprop/losses.md',
          'E = -\\sum_{k=1}^{K} t_k \\log p_k = \\log \\sum_{j=1}^{K} e^{z_j} - \\sum_{k=1}^{K} t_k z_k, \\qquad \\frac{\\partial E}{\\partial z_i} = p_i - t_i',
          'checked by: tests/test_formula_proofs_losses.py::test_the_formula_holds[losses-cross-entropy] (its sums written out for K = 3 and read by the parser; SymPy proves the two forms of E equal and differentiates E in each z_i, with t_3 = 1 - t_1 - t_2, the prose\'s sum t_k = 1); the TeX is pinned whole'),
    # docs/backprop/losses.md:125
    Entry('backprop/losses.md',
          '\\begin{aligned} E_{\\text{half-sum}} &= \\frac{1}{2} \\sum_{n=1}^{N} \\sum_{k=1}^{K} \\left(Y_{nk} - T_{nk}\\right)^2, \\\\ \\nabla_Y E_{\\text{half-sum}} &= Y - T, \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against sse_half and sse_half_grad, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/losses.md:131
    Entry('backprop/losses.md',
          '\\begin{aligned} E_{\\text{mean}} &= \\frac{1}{NK} \\sum_{n=1}^{N} \\sum_{k=1}^{K} \\left(Y_{nk} - T_{nk}\\right)^2, \\\\ \\nabla_Y E_{\\text{mean}} &= \\frac{2}{NK} \\left(Y - T\\right), \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against mse and central differences of mse); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/losses.md:137
    Entry('backprop/losses.md',
          '\\begin{aligned} E_{\\text{BCE}} &= -\\frac{1}{NK} \\sum_{n=1}^{N} \\sum_{k=1}^{K} \\bigl(T_{nk} \\log(\\sigma(Z_{nk})) \\\\ &+ (1 - T_{nk}) \\log(1 - \\sigma(Z_{nk}))\\bigr), \\\\ \\nabla_Z E_{\\text{BCE}} &= \\frac{1}{NK} \\left(\\sigma(Z) - T\\right), \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against bce_with_logits and bce_with_logits_grad, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/losses.md:143
    Entry('backprop/losses.md',
          '\\begin{aligned} E_{\\text{CE}} &= -\\frac{1}{N} \\sum_{n=1}^{N} \\sum_{k=1}^{K} T_{nk} \\log(P_{nk}), \\\\ \\nabla_Z E_{\\text{CE}} &= \\frac{1}{N} \\left(P - T\\right), \\\\ P_{n,:} &= \\operatorname{softmax}(Z_{n,:}). \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against softmax_cross_entropy and softmax_cross_entropy_grad, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/matrix_form.md:8
    Entry('backprop/matrix_form.md',
          'Y = X W + b, \\qquad Y_{nk} = \\sum_{j=1}^{J}',
          'definition: introduces Y'),
    # docs/backprop/matrix_form.md:16
    Entry('backprop/matrix_form.md',
          '\\bar{X} = \\bar{Y} \\, W^{\\mathsf T}, \\qquad \\bar{W} = X^{\\mathsf T} \\bar{Y}, \\qquad \\bar{b} = \\sum_{n=1}^{N} \\bar{Y}_{n,:} \\ \\ \\text{(the column sums of } \\bar{Y}\\text{)}',
          'checked by: sitekit.summaries (numerically, against dense_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/matrix_form.md:24
    Entry('backprop/matrix_form.md',
          "\\bar{X} = \\bar{Y} \\odot f'(X), \\qquad \\bar{Z}_{n,:} = P_{n,:} \\odot \\Bigl( \\bar{P}_{n,:} - \\sum_{i} \\bar{P}_{ni} \\cdot P_{ni} \\Bigr)",
          'checked by: sitekit.summaries (numerically, against activation_backward (f = tanh), softmax_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/output_layer.md:8
    Entry('backprop/output_layer.md',
          'z_k = \\sum_{j=1}^{J} w_{jk} \\cdot',
          'definition: introduces z_k'),
    # docs/backprop/output_layer.md:16
    Entry('backprop/output_layer.md',
          "\\delta_k = \\frac{\\partial E}{\\partial z_k} = (a_k - t_k) \\cdot g'(z_k)",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/output_layer.md:22
    Entry('backprop/output_layer.md',
          '\\frac{\\partial E}{\\partial w_{jk}} = \\delta_k \\cdot a_j, \\qquad \\frac{\\partial E}{\\partial b_k} = \\delta_k',
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), one example, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/output_layer.md:71
    Entry('backprop/output_layer.md',
          "\\Delta = (A - T) \\odot g'(Z), \\qquad \\frac{\\partial E}{\\partial W} = A_{\\text{in}}^{\\mathsf T} \\, \\Delta, \\qquad \\frac{\\partial E}{\\partial b} = \\sum_{n=1}^{N} \\Delta_{n,:}",
          'checked by: sitekit.summaries (numerically, against dense_backward and activation_backward (a sigmoid layer; sse_half loss), a batch of 5, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/regularisation.md:8
    Entry('backprop/regularisation.md',
          'E_{\\text{reg}} = E + \\frac{\\lambda}{2} \\lVert W \\rVert^2, \\qquad \\lVert W \\rVert^2 = \\sum_{j=1}^{J} \\sum_{k=1}^{K} w_{jk}^2',
          'checked by: sitekit.summaries (numerically, against l2_penalty, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/backprop/regularisation.md:20
    Entry('backprop/regularisation.md',
          '\\frac{\\partial E_{\\text{reg}}}{\\partial W} = \\frac{\\partial E}{\\partial W} + \\lambda W, \\qquad W \\leftarrow W - \\eta \\left( \\frac{\\partial E}{\\partial W} + \\lambda W \\right) = (1 - \\eta \\lambda) \\, W - \\eta \\, \\frac{\\partial E}{\\partial W}',
          'checked by: sitekit.summaries (numerically, against dense_backward_l2, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/attention.md:10
    Entry('layers/attention.md',
          '\\begin{aligned} Z &= \\frac{Q K^{\\mathsf T}}{\\sqrt{d}}, \\\\ P &= \\operatorname{softmax}(Z) \\ \\text{(row by row)}, \\\\ Y &= P \\, V. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against attention_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/attention.md:20
    Entry('layers/attention.md',
          '\\begin{aligned} Z_{ij} &= \\frac{1}{\\sqrt{d}} \\sum_{m=1}^{d} Q_{im} \\cdot K_{jm}, \\\\ P_{ij} &= \\frac{e^{Z_{ij}}}{\\sum_{u=1}^{S} e^{Z_{iu}}}, \\\\ Y_{ic} &= \\sum_{j=1}^{S} P_{ij} \\cdot V_{jc}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against attention_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/attention.md:142
    Entry('layers/attention.md',
          '\\begin{aligned} \\bar{V} &= P^{\\mathsf T} \\bar{Y}, \\\\ \\bar{P} &= \\bar{Y} \\, V^{\\mathsf T}, \\\\ \\bar{Z} &= P \\odot \\bigl(\\bar{P} - \\operatorname{rowsum}(\\bar{P} \\odot P)\\bigr), \\\\ \\bar{Q} &= \\frac{\\bar{Z} \\, K}{\\sqrt{d}}, \\\\ \\bar{K} &= \\frac{\\bar{Z}^{\\mathsf T} Q}{\\sqrt{d}}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against attention_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/batchnorm.md:10
    Entry('layers/batchnorm.md',
          '\\mu = \\frac{1}{N} \\sum_{n=1}^{N}',
          'definition: introduces \\mu'),
    # docs/layers/batchnorm.md:18
    Entry('layers/batchnorm.md',
          '\\hat{x}_n = \\frac{x_n - \\mu}{s}',
          'definition: introduces \\hat{x}_n and y_n'),
    # docs/layers/batchnorm.md:35
    Entry('layers/batchnorm.md',
          'y_n = \\gamma \\, \\frac{x_n - \\mu_{\\text{run}}}{\\sqrt{v_{\\text{run}}',
          'definition: y_n in evaluation mode, with the running mean and variance'),
    # docs/layers/batchnorm.md:93
    Entry('layers/batchnorm.md',
          '\\frac{\\partial \\hat{x}_n}{\\partial x_m} = \\frac{\\partial \\hat{x}_n}{\\partial x_m}\\Big|_{\\mu, v} + \\frac{\\partial \\hat{x}_n}{\\partial \\mu} \\cdot \\frac{\\partial \\mu}{\\partial x_m} + \\frac{\\partial \\hat{x}_n}{\\partial v} \\cdot \\frac{\\partial v}{\\partial x_m}',
          "checked by: sitekit.summaries (numerically, against central differences of batchnorm_forward (the whole) and of the page's definitions (the paths)); the TeX is pinned whole, so any edit fails here until it is reviewed again"),
    # docs/layers/batchnorm.md:130
    Entry('layers/batchnorm.md',
          '\\frac{\\partial \\mu}{\\partial x_m} =',
          'hint: \\mu and v as the page defines them (lines 11 and 13), put in before the derivatives are taken',
          hint=(('v', '\\frac{1}{N} \\sum_{q=1}^{N} (x_{q} - \\mu)^2'), ('\\mu', '\\frac{1}{N} \\sum_{p=1}^{N} x_{p}'))),
    # docs/layers/batchnorm.md:166
    Entry('layers/batchnorm.md',
          '\\lambda = \\frac{1}{N} \\sum_{n=1}^{N}',
          'definition: introduces \\lambda'),
    # docs/layers/batchnorm.md:204
    Entry('layers/batchnorm.md',
          '\\bar{x}_m = \\frac{\\gamma}{s} \\Bigl( \\bar{y}_m - \\frac{\\bar{\\beta}}{N} - \\hat{x}_m \\, \\frac{\\bar{\\gamma}}{N} \\Bigr), \\qquad \\bar{\\gamma} = \\sum_{n=1}^{N} \\bar{y}_n \\hat{x}_n, \\qquad \\bar{\\beta} = \\sum_{n=1}^{N} \\bar{y}_n',
          'checked by: sitekit.summaries (numerically, against batchnorm_backward, column 1, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/batchnorm.md:218
    Entry('layers/batchnorm.md',
          '\\bar{\\gamma} = \\sum_{n=1}^{N} \\bar{Y}_{n,:} \\odot \\hat{X}_{n,:}, \\qquad \\bar{\\beta} = \\sum_{n=1}^{N} \\bar{Y}_{n,:}',
          'checked by: sitekit.summaries (numerically, against batchnorm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/batchnorm.md:224
    Entry('layers/batchnorm.md',
          '\\bar{X} = \\frac{\\gamma}{s} \\odot \\Bigl( \\bar{Y} - \\frac{\\bar{\\beta}}{N} - \\hat{X} \\odot \\frac{\\bar{\\gamma}}{N} \\Bigr)',
          'checked by: sitekit.summaries (numerically, against batchnorm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/conv2d.md:11
    Entry('layers/conv2d.md',
          '\\begin{aligned} Y_{nfij} = b_f & + \\sum_{c=1}^{C} \\sum_{u=0}^{U-1} \\sum_{v=0}^{V-1} \\\\ & W_{fcuv} \\cdot X^{\\mathrm{pad}}_{n,\\,c,\\,s i + u,\\,s j + v}. \\end{aligned}',
          'checked by: tests/test_formula_proofs_layers.py::test_the_formula_holds[conv2d-forward-sum] (numerically: loops over the subscripts as the page writes them, s i + u read by SymPy, against conv2d_forward)'),
    # docs/layers/conv2d.md:33
    Entry('layers/conv2d.md',
          '\\begin{aligned} P &= \\left\\lfloor \\frac{H_{\\mathrm{in}} + 2m - U}{s} \\right\\rfloor + 1, \\\\ Q &= \\left\\lfloor \\frac{W_{\\mathrm{in}} + 2m - V}{s} \\right\\rfloor + 1. \\end{aligned}',
          "checked by: sitekit.summaries (numerically, against conv2d_forward's output size; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again"),
    # docs/layers/conv2d.md:104
    Entry('layers/conv2d.md',
          '\\begin{aligned} \\bar{X}^{\\mathrm{pad}}_{nc\\alpha\\beta} = \\sum_{u, v} \\sum_{f=1}^{F} & \\bar{Y}_{n,\\,f,\\,(\\alpha-u)/s,\\,(\\beta-v)/s} \\\\ & \\cdot W_{fcuv}, \\end{aligned}',
          'checked by: tests/test_formula_proofs_layers.py::test_the_formula_holds[conv2d-backward-sum] (numerically: loops over the offsets whose (alpha - u)/s is an output position, against conv2d_backward)'),
    # docs/layers/conv2d.md:121
    Entry('layers/conv2d.md',
          '\\begin{aligned} \\bar{W} &= \\bar{Y}^{\\mathsf T} M, \\\\ \\bar{M} &= \\bar{Y} W, \\\\ \\bar{b} &= \\textstyle\\sum_{\\text{rows}} \\bar{Y}, \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against conv2d_backward, dense_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/dropout.md:12
    Entry('layers/dropout.md',
          'y_i = \\frac{m_i \\cdot x_i}{1 -',
          'definition: introduces y_i'),
    # docs/layers/dropout.md:25
    Entry('layers/dropout.md',
          'Y = \\frac{M \\odot X}{1 - \\rho}',
          'checked by: sitekit.summaries (numerically, against dropout_forward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/dropout.md:67
    Entry('layers/dropout.md',
          '\\bar{X} = \\frac{M \\odot \\bar{Y}}{1 - \\rho}',
          'checked by: sitekit.summaries (numerically, against dropout_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/embedding.md:13
    Entry('layers/embedding.md',
          'Y_{n,:} = W_{x_n,:}',
          'definition: a row lookup Y_{n,:} = W_{x_n,:}'),
    # docs/layers/embedding.md:19
    Entry('layers/embedding.md',
          'Y = O \\, W, \\qquad Y_{nk} = \\sum_{u=1}^{V} O_{nu} \\cdot W_{uk}',
          'checked by: sitekit.summaries (numerically, against embedding_forward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/embedding.md:60
    Entry('layers/embedding.md',
          '\\bar{W} = O^{\\mathsf T} \\, \\bar{Y}, \\qquad \\bar{W}_{v,:} = \\sum_{n \\,:\\, x_n = v} \\bar{Y}_{n,:}',
          'checked by: sitekit.summaries (numerically, against embedding_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/layernorm.md:9
    Entry('layers/layernorm.md',
          '\\mu = \\frac{1}{D} \\sum_{i=1}^{D}',
          'definition: introduces \\mu'),
    # docs/layers/layernorm.md:17
    Entry('layers/layernorm.md',
          '\\hat{x}_i = \\frac{x_i - \\mu}{s}',
          'definition: introduces \\hat{x}_i and y_i'),
    # docs/layers/layernorm.md:108
    Entry('layers/layernorm.md',
          '\\frac{\\partial \\hat{x}_i}{\\partial x_j} = \\frac{\\partial \\hat{x}_i}{\\partial x_j}\\Big|_{\\mu, v} + \\frac{\\partial \\hat{x}_i}{\\partial \\mu} \\cdot \\frac{\\partial \\mu}{\\partial x_j} + \\frac{\\partial \\hat{x}_i}{\\partial v} \\cdot \\frac{\\partial v}{\\partial x_j}',
          "checked by: sitekit.summaries (numerically, against central differences of layernorm_forward (the whole) and of the page's definitions (the paths)); the TeX is pinned whole, so any edit fails here until it is reviewed again"),
    # docs/layers/layernorm.md:145
    Entry('layers/layernorm.md',
          '\\frac{\\partial \\mu}{\\partial x_j} =',
          'hint: \\mu and v as the page defines them (lines 10 and 12), put in before the derivatives are taken',
          hint=(('v', '\\frac{1}{D} \\sum_{q=1}^{D} (x_{q} - \\mu)^2'), ('\\mu', '\\frac{1}{D} \\sum_{p=1}^{D} x_{p}'))),
    # docs/layers/layernorm.md:181
    Entry('layers/layernorm.md',
          '\\lambda = \\frac{1}{D} \\sum_{i=1}^{D}',
          'definition: introduces \\lambda'),
    # docs/layers/layernorm.md:218
    Entry('layers/layernorm.md',
          '\\bar{x}_j = \\frac{1}{s} \\bigl( \\bar{y}_j \\gamma_j - \\lambda - \\hat{x}_j \\, \\rho \\bigr)',
          'checked by: sitekit.summaries (numerically, against layernorm_backward, row 1, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/layernorm.md:222
    Entry('layers/layernorm.md',
          '\\bar{\\gamma}_j = \\sum_{n=1}^{N} \\bar{Y}_{nj} \\hat{X}_{nj}, \\qquad \\bar{\\beta}_j = \\sum_{n=1}^{N} \\bar{Y}_{nj}',
          'checked by: sitekit.summaries (numerically, against layernorm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/layernorm.md:234
    Entry('layers/layernorm.md',
          '\\bar{X} = \\frac{1}{s} \\odot \\Bigl( \\bar{\\hat{X}} - \\operatorname{mean}_{\\text{row}}\\bigl(\\bar{\\hat{X}}\\bigr) - \\hat{X} \\odot \\operatorname{mean}_{\\text{row}}\\bigl(\\bar{\\hat{X}} \\odot \\hat{X}\\bigr) \\Bigr)',
          'checked by: sitekit.summaries (numerically, against layernorm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/layernorm.md:239
    Entry('layers/layernorm.md',
          '\\bar{\\gamma} = \\sum_{n=1}^{N} \\bar{Y}_{n,:} \\odot \\hat{X}_{n,:}, \\qquad \\bar{\\beta} = \\sum_{n=1}^{N} \\bar{Y}_{n,:}',
          'checked by: sitekit.summaries (numerically, against layernorm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:11
    Entry('layers/lstm.md',
          '\\begin{aligned} Z_t &= X_t W_x + h_{t-1} W_h + b \\\\ &= \\bigl[\\, Z^{I}_t \\ \\ Z^{F}_t \\ \\ Z^{G}_t \\ \\ Z^{O}_t \\,\\bigr]. \\end{aligned}',
          'checked by: tests/test_formula_proofs_layers.py::test_the_formula_holds[lstm-block-row] (numerically: Z_t split into H-column blocks in the order of the block row, each through the function of its gate, against the gates of lstm_forward)'),
    # docs/layers/lstm.md:21
    Entry('layers/lstm.md',
          '\\begin{aligned} I_t &= \\sigma\\bigl(Z^{I}_t\\bigr), & F_t &= \\sigma\\bigl(Z^{F}_t\\bigr), \\\\ G_t &= \\tanh\\bigl(Z^{G}_t\\bigr), & O_t &= \\sigma\\bigl(Z^{O}_t\\bigr). \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against lstm_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:32
    Entry('layers/lstm.md',
          '\\begin{aligned} C_t &= F_t \\odot C_{t-1} + I_t \\odot G_t, \\\\ C_0 &= 0, \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against lstm_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:39
    Entry('layers/lstm.md',
          'h_t = O_t \\odot \\tanh(C_t)',
          'checked by: sitekit.summaries (numerically, against lstm_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:75
    Entry('layers/lstm.md',
          '\\bar{h}_t = \\bar{Y}_t + \\bar{s}_{t+1}',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:79
    Entry('layers/lstm.md',
          '\\begin{aligned} \\bar{C}_t &= \\bar{h}_t \\odot O_t \\odot \\bigl(1 - \\tanh(C_t)^2\\bigr) \\\\ &\\quad + \\bar{C}_{t+1} \\odot F_{t+1}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:160
    Entry('layers/lstm.md',
          '\\bar{Z}^{I}_t = \\bar{C}_t \\odot G_t \\odot I_t \\odot (1 - I_t)',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:164
    Entry('layers/lstm.md',
          '\\bar{Z}^{F}_t = \\bar{C}_t \\odot C_{t-1} \\odot F_t \\odot (1 - F_t)',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:168
    Entry('layers/lstm.md',
          '\\bar{Z}^{G}_t = \\bar{C}_t \\odot I_t \\odot (1 - G_t \\odot G_t)',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:172
    Entry('layers/lstm.md',
          '\\bar{Z}^{O}_t = \\bar{h}_t \\odot \\tanh(C_t) \\odot O_t \\odot (1 - O_t)',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/lstm.md:178
    Entry('layers/lstm.md',
          '\\begin{aligned} \\bar{X}_t &= \\bar{Z}_t W_x^{\\mathsf T}, \\\\ \\bar{s}_t &= \\bar{Z}_t W_h^{\\mathsf T}, \\qquad \\bar{h}_0 = \\bar{s}_1, \\\\ \\bar{W}_x &= \\sum_{t=1}^{T} X_t^{\\mathsf T} \\bar{Z}_t, \\\\ \\bar{W}_h &= \\sum_{t=1}^{T} h_{t-1}^{\\mathsf T} \\bar{Z}_t, \\\\ \\bar{b} &= \\sum_{t=1}^{T} \\sum_{n=1}^{N} \\bar{Z}_{t,n,:}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against lstm_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/pooling.md:10
    Entry('layers/pooling.md',
          'M_{ncijuv} = X_{n,\\,c,\\,s i + u,\\,s',
          'definition: introduces the windows Z_{ncijuv}'),
    # docs/layers/pooling.md:16
    Entry('layers/pooling.md',
          '\\begin{aligned} Y^{\\max}_{ncij} &= \\max_{u, v} M_{ncijuv}, \\\\ Y^{\\mathrm{avg}}_{ncij} &= \\frac{1}{U^2} \\sum_{u, v} M_{ncijuv}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against maxpool2d_forward, avgpool2d_forward; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/pooling.md:34
    Entry('layers/pooling.md',
          '\\begin{aligned} P &= \\left\\lfloor \\frac{H_{\\mathrm{in}} - U}{s} \\right\\rfloor + 1, \\\\ Q &= \\left\\lfloor \\frac{W_{\\mathrm{in}} - U}{s} \\right\\rfloor + 1. \\end{aligned}',
          "checked by: sitekit.summaries (numerically, against maxpool2d_forward's output size; no gradient in it); the TeX is pinned whole, so any edit fails here until it is reviewed again"),
    # docs/layers/pooling.md:109
    Entry('layers/pooling.md',
          '\\bar{X}_{nc\\alpha\\beta} = \\sum_{u, v} \\bar{M}_{n,\\,c,\\,(\\alpha-u)/s,\\,(\\beta-v)/s,\\,u,\\,v}',
          'checked by: tests/test_formula_proofs_layers.py::test_the_formula_holds[pooling-backward-sum] (numerically: loops over the offsets whose (alpha - u)/s is an output position, against maxpool2d_backward and avgpool2d_backward with overlapping windows)'),
    # docs/layers/rnn.md:10
    Entry('layers/rnn.md',
          'Z_t = X_t W_x + h_{t-1} W_h + b',
          'definition: introduces Z_t'),
    # docs/layers/rnn.md:14
    Entry('layers/rnn.md',
          'h_t = \\tanh(Z_t)',
          'definition: introduces h_t'),
    # docs/layers/rnn.md:49
    Entry('layers/rnn.md',
          '\\begin{aligned} \\bar{h}_t &= \\bar{Y}_t + \\bar{s}_{t+1} \\quad (t < T), \\\\ \\bar{h}_T &= \\bar{Y}_T. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/rnn.md:114
    Entry('layers/rnn.md',
          '\\bar{h}_t = \\bar{Y}_t + \\bar{s}_{t+1}',
          'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/rnn.md:118
    Entry('layers/rnn.md',
          '\\bar{Z}_t = \\bar{h}_t \\odot \\left(1 - h_t \\odot h_t\\right)',
          'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/rnn.md:122
    Entry('layers/rnn.md',
          '\\begin{aligned} \\bar{X}_t &= \\bar{Z}_t W_x^{\\mathsf T}, \\\\ \\bar{s}_t &= \\bar{Z}_t W_h^{\\mathsf T}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),
    # docs/layers/rnn.md:132
    Entry('layers/rnn.md',
          '\\begin{aligned} \\bar{W}_x &= \\sum_{t=1}^{T} X_t^{\\mathsf T} \\bar{Z}_t, \\\\ \\bar{W}_h &= \\sum_{t=1}^{T} h_{t-1}^{\\mathsf T} \\bar{Z}_t, \\\\ \\bar{b} &= \\sum_{t=1}^{T} \\sum_{n=1}^{N} \\bar{Z}_{t,n,:}. \\end{aligned}',
          'checked by: sitekit.summaries (numerically, against rnn_backward, and central differences of the forward); the TeX is pinned whole, so any edit fails here until it is reviewed again'),

]
