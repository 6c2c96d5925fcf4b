"""The worksheet's content, prepared for the templates: the problem, then each step's
sections of equation blocks (all LaTeX math), then the updated parameters.

The templates (templates/*.j2) only lay this out; every equation is made here by the printer
from recorded values.  Markdown and LaTeX share this content (user text inside formulas is
set for the format: `text`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from .. import numtext, ops
from ..losses import LOSSES
from .chain import Chain
from .entries import Entries, loss_terms
from .escape import math_text
from ..conventions import describe
from ..numtext import MIN_SIGNIFICANT
from .figure import Names, build_figure
from .notation import PARAMS
from .shown import MARK as _MARK
from .tex import Math, Row, op
from .printer import (ACT_DEFINITION, ACT_DERIVATIVE, ACT_SYMBOL, Notation, Printer,
                      latex_text, loss_formula)

DETAILS = ("matrix", "entries", "chain")
BLOCK_LINES = 10      # longer derivations are cut into several displays (page breaks between)
BLOCK_ROWS = 30       # ... and so are displays taller than about half a page

ACT_WORDS = {"identity": "identity", "relu": "ReLU", "leaky_relu": "leaky ReLU", "sigmoid": "sigmoid",
             "tanh": "tanh", "softmax": "softmax"}


def _rows_of(line) -> list:
    """A line of a section: one Row, or aligned rows that stay together."""
    return [line] if isinstance(line, Row) else list(line)


@dataclass
class Block:
    lines: list                    # each a Row (left & rel right) or a list of Rows kept together
    heading: str = ""              # plain text above the block (escaped by the template)
    more: bool = False             # continues the block before it (cut only for page breaks)

    @property
    def rows(self):
        """(left of '&', the relation after it, the rest, whether the rest may be scaled on its
        own): a wide right side is shrunk alone, the rest of the derivation keeps its size."""
        return [(r.left, r.rel, r.right.text, True) for line in self.lines for r in _rows_of(line)]

    @property
    def texts(self):
        """Each row as one line of an aligned display (Markdown)."""
        return [str(r) for line in self.lines for r in _rows_of(line)]


    @property
    def equations(self):
        """The rows grouped into equations: a left side and the steps after it (relation, right
        side, whether that side may be scaled alone).  The LaTeX template flows them."""
        out = []
        for left, rel, right, fit in self.rows:
            if left.strip() or not out:
                out.append({"left": left, "pieces": []})
            out[-1]["pieces"].append({"rel": rel, "right": right, "fit": fit})
        return out

    @property
    def is_list(self):
        """A list of one-step equations (givens, entries, updated parameters): set in columns."""
        return all(len(e["pieces"]) == 1 and e["pieces"][0]["fit"] for e in self.equations)


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)
    whole: list = field(default_factory=list)     # each add() as one block: LaTeX breaks pages
    #                                               between any two of its lines by itself

    def add(self, lines, heading=""):
        """Lines as one or more blocks (each one display in the Markdown): at most
        BLOCK_LINES lines of the derivation and BLOCK_ROWS rows counting the matrices' rows."""
        lines = list(lines)
        self.whole.append(Block(lines, heading))
        chunk, size, rows, left, more = [], 0, 0, "", False
        for line in lines:
            rs = _rows_of(line)
            n, r = len(rs), sum(x.rows for x in rs)
            if chunk and (size + n > BLOCK_LINES or rows + r > BLOCK_ROWS):
                self.blocks.append(Block(chunk, heading, more))
                chunk, size, rows, heading, more = [], 0, 0, "", True
            if rs[0].left.strip():
                left = rs[0].left
            elif not chunk and left:      # a derivation continued: '=' stays where it was
                rs = [Row(r"\phantom{" + left.strip() + "}", rs[0].rel, rs[0].right)] + rs[1:]
                line = rs if isinstance(line, list) else rs[0]
            chunk.append(line)
            size += n
            rows += r
        if chunk or not lines:     # no lines: a sentence of its own (the heading)
            self.blocks.append(Block(chunk, heading, more))


# -- words -------------------------------------------------------------------------------------
def loss_words(problem) -> str:
    return LOSSES[problem.loss].describe(problem.loss_opts)


def optimizer_facts(problem):
    o = problem.opt_opts
    names = {"sgd": "gradient descent (SGD)", "adam": "Adam", "adamw": "AdamW"}
    segs = [_t(names.get(problem.optimizer, problem.optimizer) + ", learning rate "),
            _m(_param_is("lr", o["lr"]))]
    for k in ("momentum", "weight_decay"):
        if o.get(k):
            segs += [_t(f", {k.replace('_', ' ')} "), _m(_param_is(k, o[k]))]
    if o.get("nesterov"):
        segs.append(_t(", Nesterov"))
    if "betas" in o:
        segs += [_t(", "), _m(r",\ ".join((_param_is("beta1", o["betas"][0]), _param_is("beta2", o["betas"][1]),
                                              _param_is("eps", o["eps"]))))]
    if "betas" in o or o.get("momentum"):      # the state the first step starts from
        segs += [_t("; before the first step "), _m("m = v = 0" if "betas" in o else "v = 0")]
        if "betas" in o:
            segs += [_t(", and "), _m("t = 1"), _t(" in the first step")]
    return segs


def _param_is(param, value) -> str:
    """η = 0.05: a hyperparameter's symbol (as the formulas write it) and its value."""
    return f"{PARAMS[param][0]} = {_param_tex(value)}"


def _num(q):
    t = getattr(q, "text", None)
    if t:
        return t
    q = Fraction(q)
    return str(q.numerator) if q.denominator == 1 else str(q)


def _t(text):
    """A piece of plain text in a header line (escaped by the template)."""
    return {"text": text, "math": "", "display": False}


def _m(tex, display=False):
    """A piece of math in a header line; `display`: on a line of its own on the page."""
    return {"text": "", "math": tex, "display": display}


def _param_tex(q) -> str:
    """A hyperparameter as the file gives it, in math: 0.05, \\frac{1}{3}, 10^{-8}."""
    q = Fraction(q)
    if not numtext.finite_decimal(q.denominator):
        return numtext.latex_fraction(q)
    return numtext.scientific(q) if q and abs(q) < Fraction(1, 10 ** 4) else numtext.decimal_text(q)


def layer_formula(p, n: Notation) -> str:
    """Z = W A + b for a generic layer l, in the sheet's notation, layout and W's storage
    ((in, out): Z = A W + b, Wᵀ A + b); no "+ b" when no layer has a bias."""
    l, prev = ("(l)", "(l-1)") if n.paren else ("[l]", "[l-1]")
    W = r"\tilde{W}" if p.bias == "augmented" else "W"
    bias = f" + b^{{{l}}}" if p.bias == "separate" and any(L.b is not None for L in p.layers) else ""
    plain, transposed = f"{W}^{{{l}}}", f"{W}^{{{l}\\mathsf{{T}}}}"
    in_out = p.weights == "in_out"
    if p.layout == "columns":
        return f"Z^{{{l}}} = {transposed if in_out else plain} A^{{{prev}}}{bias}"
    return f"Z^{{{l}}} = A^{{{prev}}} {plain if in_out else transposed}{bias}"


def weights_fact(p):
    """How W is stored, when it is (in, out): the sheet's shapes follow it."""
    if p.weights != "in_out":
        return None
    return [_t("stored (in, out): "), _m(r"W^{[l]}"), _t(" has a row per input and a column per neuron, as "
            "CS231n and d2l write it; its gradient has the same shape")]


def mean_fact(p, n: Notation):
    """Where the loss's 1/m is written, when it is not in ∂J/∂Â (one_over_m: dW, as DLS)."""
    if not p.per_sample:
        return None
    L = len(p.layers)
    return [_t("in the gradients of the weights and biases, as the Deep Learning Specialization writes it: "
               "the backward pass differentiates "), _m(r"\mathcal{L} = m" + n.symbol("J")),
            _t(", the loss summed over the samples, so "), _m(n.symbol(f"dZ{L}")), _t(" and every "),
            _m("dZ"), _t(", "), _m("dA"), _t(" have no "), _m(r"\frac{1}{m}"), _t("; it stands in "),
            _m(n.symbol(f"dW{L}") + r" = \frac{1}{m} \cdots"), _t(" and "), _m(n.symbol(f"db{L}") + r" = \frac{1}{m} \cdots")]


def bias_fact(p):
    if p.bias == "augmented":
        axis = "row" if p.layout == "columns" else "column"
        return [_t("augmented: b folded into "), _m(r"\tilde{W}"), _t(f" as its first column, a constant 1 "
                f"carried as the first {axis} of every A; "), _m(r"\tilde{W}"),
                _t(f"'s first row (1, 0, …, 0) carries that 1 forward (it is not a parameter: it never "
                   f"changes, and Δ's {axis} for it is 0)")]
    without = [str(i) for i, L in enumerate(p.layers, 1) if L.b is None]
    if len(without) == len(p.layers):
        return [_t("none: no layer has a bias")]
    if without:
        which = "layer " + without[0] if len(without) == 1 else "layers " + ", ".join(without)
        return [_t("separate: a bias vector "), _m("b"), _t(" beside each "), _m("W"), _t(f" ({which} without)")]
    return [_t("separate: a bias vector "), _m("b"), _t(" beside each "), _m("W")]


def steps_words(p, batches) -> str:
    k = p.steps
    if k == 1:
        s = "1 step (step 0)"
    elif k <= 4:
        nums = [str(i) for i in range(k)]
        s = f"{k} steps ({', '.join(nums[:-1])} and {nums[-1]})"
    else:
        s = f"{k} steps (0 to {k - 1})"
    if p.batch_size and len(batches) > 1:
        return s + f", mini-batches of {p.batch_size} samples in file order"
    return s + ", every sample in one batch"


def _count(k, word):
    return f"{k} {word}" + ("" if k == 1 else "s")


def facts(p, blank, loss_tex, n: Notation):
    """The problem in a few lines, each a list of text and math segments."""
    batches = p.batches()
    side = "columns" if p.layout == "columns" else "rows"
    m = len(batches[0]) if len(batches) > 1 else p.m
    out = [
        ("Convention", [_t(describe(p.convention))] if p.convention else None),
        ("Layout", [_t(f"samples as {side}: "), _m(layer_formula(p, n))]),
        ("Weights", weights_fact(p)),
        ("Bias", bias_fact(p)),
        ("Loss", [_t(loss_words(p) + " ("), _m(f"m = {m}"), _t(" sample" + ("" if m == 1 else "s")
                     + (" per batch" if len(batches) > 1 else "") + ", "), _m(f"n = {len(p.y[0])}"),
                  _t(" output" + ("" if len(p.y[0]) == 1 else "s") + ", "), _m(r"\hat{y}"), _t(" the network's output): "),
                  _m(n.symbol("J") + " = " + loss_tex, display=True)]),
        ("The 1/m", mean_fact(p, n)),
        ("Optimizer", optimizer_facts(p)),
        ("Steps", [_t(steps_words(p, batches))]),
    ]
    out = [(k, segs) for k, segs in out if segs is not None]     # the facts that apply
    digits = f"{p.decimals} decimals (small ones to {MIN_SIGNIFICANT} significant digits)"
    if p.round is not None:     # hand mode: what is rounded and carried, and what is only shown
        rounding = (f" in hand mode: every quantity the sheet names is rounded to {p.round} decimals, halves "
                    "away from zero, and that rounded value is what the next lines use")
        if blank:
            out.append(("Numbers", [_t(p.numbers + rounding + f"; write every box to {p.round} decimals")]))
        else:
            out.append(("Numbers", [_t(p.numbers + rounding + f"; the values inside a line are shown to {digits}; a result "
                                       "that the digits its line shows do not give is marked "), _m("{}" + _MARK)]))
    elif p.numbers == "symbolic":     # formulas: no digits shown, nothing rounded, no †
        out.append(("Numbers", [_t("symbolic: every entry is a formula in the parameters and data (sympy), "
                                   "written first in the quantities it reads, then in the givens when short")]))
    elif blank:     # the student's instruction: how precise the boxes are to be filled
        out.append(("Numbers", [_t(p.numbers + f"; write values that are not exact to {digits}")]))
    else:
        out.append(("Numbers", [_t(p.numbers + f"; values that are not exact are shown to {digits}, "
                                   "marked ≈; full precision is carried from line to line, so where the digits "
                                   "a line shows give another last digit, its result is marked "),
                                _m("{}" + _MARK), _t(" (it is what the unrounded values give)")]))
    return out


# -- the network ---------------------------------------------------------------------------------
def network_rows(p):
    rows = [{"layer": "input", "size": len(p.x[0]), "activation": "", "bias": "", "frozen": ""}]
    for i, L in enumerate(p.layers, 1):
        act = ACT_WORDS.get(L.activation, "none") if L.activation else "none"
        if "slope" in L.act_opts:
            act += f" (α = {_num(L.act_opts['slope'])})"
        rows.append({"layer": f"linear {i}", "size": L.shape[0], "activation": act,
                     "bias": "no" if L.b is None else "yes",
                     "frozen": ", ".join(sorted(L.freeze)) or ""})
    return rows


def figure(p, n: Notation):
    """The network drawing (render/figure.py), its neurons named in the sheet's notation."""
    acts = [""] + [ACT_SYMBOL.get(L.activation, "") if L.activation else "" for L in p.layers]
    words = [""] + [ACT_WORDS.get(L.activation, "") if L.activation else "" for L in p.layers]
    return build_figure(p, n.sup, acts, words)


def figure_legend(p, n: Notation):
    """With the flat numbering, where each name of the figure is in the matrices (Mazur's
    w1 … w8, b1, b2, net and out of h1, o1), as header segments."""
    if p.figure.get("names") != "flat":
        return []
    names = Names(p, n.sup)

    def span(first, last):
        if first == last:
            return _m(first.tex)
        two = int(last.sub) - int(first.sub) == 1
        return _m(f"{first.tex}, {last.tex}" if two else f"{first.tex}, \\dots, {last.tex}")

    segs = []
    for l, L in enumerate(p.layers, 1):
        rows, cols = L.shape
        segs += [span(names.weight(l, 0, 0), names.weight(l, rows - 1, cols - 1)),
                 _t(" are " if rows * cols > 1 else " is "), _m(n.symbol(f"W{l}")),
                 _t((" column by column; " if L.in_out else " row by row; ") if rows * cols > 1 else "; ")]
    for l, L in enumerate(p.layers, 1):
        if L.b is not None:
            last = names.bias(l, 0 if names.b_per_layer else L.shape[0] - 1)
            segs += [span(names.bias(l, 0), last), _t(" is every entry of " if names.b_per_layer else " are "),
                     _m(n.symbol(f"b{l}")), _t("; ")]
    lines = "rows" if p.layout == "columns" else "columns"
    for l, L in enumerate(p.layers, 1):
        segs += [_t("the net and out of "), span(names.neuron(l, 0), names.neuron(l, L.shape[0] - 1)),
                 _t(f" are the {lines} of " if L.shape[0] > 1 else " are "), _m(n.symbol(f"Z{l}")), _t(" and "),
                 _m(n.symbol(f"A{l}")),
                 _t("." if l == len(p.layers) else "; ")]
    return segs


def diagram_text(p):
    """x (2) → linear 2, sigmoid → linear 1, sigmoid: the network in one line (Markdown)."""
    parts = [f"input ({len(p.x[0])})"]
    for L in p.layers:
        parts.append(f"linear {L.shape[0]}" + (f" + {ACT_WORDS.get(L.activation)}" if L.activation else ""))
    return " → ".join(parts)


# -- equations ------------------------------------------------------------------------------------
def _shapes(pr, expr, q):
    """(2×2)·(2×4) + (2×1) → 2×4, the shapes of a product, as the report writes them."""
    tail = r" \to " + pr.shape(q.value)
    bias = None
    if isinstance(expr, ops.Add) and isinstance(expr.args[0], ops.MatMul):
        expr, bias = expr.args
    if isinstance(expr, ops.MatMul):
        a, b = expr.args
        s = f"({pr.shape(q.parts[id(a)])})\\,({pr.shape(q.parts[id(b)])})"
        if bias is not None:
            s += f" + ({pr.shape(q.parts[id(bias)])})"
        return s + tail
    return pr.shape(q.value)


def shape_note(shapes: str, pr=None) -> str:
    """The shapes beside a formula, set apart from it (LaTeX: \\shapes, which the template
    sets at the right end of the formula's line)."""
    if pr is not None and pr.n.text is latex_text:
        return r"\shapes{" + shapes + "}"
    return r"\qquad \color{gray}{" + shapes + "}"


def matrix_lines(pr: Printer, q, step=None, den=None):
    """General formula, matrices substituted (σ applied to the Z matrix), the product before
    the bias is added, the result: one aligned row each, '≈' where a number was rounded.
    `den`: a denominator to factor out of the matrices (the loss's 1/m, backward pass)."""
    sym = pr.n.symbol(q.name)
    expr = q.expr
    general = pr.formula(expr)
    first = Row(sym, "=", Math(f"{general.text} {shape_note(_shapes(pr, expr, q), pr)}"))
    if pr.blank:
        return [first, Row("", "=", pr.matrix(q.value, fixed_row=pr.fixed_row(q.name)))]
    if pr.trace.field.symbolic and step is not None:
        return symbolic_lines(pr, q, step, first)
    lines = [first]
    fixed = pr.fixed_row(q.name)
    if isinstance(expr, (ops.Ref, ops.Loss)):
        result = pr.matrix(q.value, den=den, fixed_row=fixed)
    else:
        sub = pr.substituted(expr, q.parts, den)
        mid = None
        if isinstance(expr, ops.Add) and isinstance(expr.args[0], ops.MatMul):
            product, bias = expr.args
            mid = op("+", pr.matrix(q.parts[id(product)], den=den,
                                    given=pr.substituted(product, q.parts, den).value),
                     pr.matrix(q.parts[id(bias)], den=den))
        # the result, checked against what the line before it gives from the digits it shows
        # (the same digits as the result's own give no mark, and then that line is not written)
        result = pr.matrix(q.value, den=den, fixed_row=fixed, given=(mid or sub).value)
        if sub.text not in (result.text, general.text) and not _one_term_sum(expr, q):
            lines += _split_if_wide(pr, sub, q)
        elif mid is None:
            result = pr.matrix(q.value, den=den, fixed_row=fixed)      # no line before it: nothing to check
        if mid is not None:
            lines.append(Row("", pr.rel(mid), mid))
    lines.append(Row("", pr.result_rel(q, None, result), result))
    return lines


def _split_if_wide(pr, sub, q) -> list[Row]:
    """The substituted line, or a quotient of matrices wider than two columns (BCE's
    (Â − Y) ⊘ (Â ⊙ (1 − Â)): five matrices) on two lines, so that it is not scaled down."""
    cols = np.shape(q.value)[-1] if np.ndim(q.value) == 2 else 1
    if sub.halves is None or cols <= 2:
        return [Row("", pr.rel(sub), sub)]
    top, bottom = sub.halves
    return [Row("", pr.rel(sub), top), Row("", "", Math(r"\quad " + bottom.text, bottom.prec, bottom.rounded,
                                                        bottom.rows))]


def _one_term_sum(expr, q) -> bool:
    """Σ_i over a single sample: the sum is its one term, written once (as the result)."""
    return isinstance(expr, ops.SumSamples) and np.shape(q.parts[id(expr.args[0])])[1 - expr.feat] == 1


def local_entries(pr: Printer, step, q):
    """q's entries as formulas in the quantities it reads (symbolic.local_formulas); W̃'s
    constant row, no parameter, keeps its values (1 0 … 0), not 1 − η ∂J/∂W̃₁₁."""
    from ..symbolic import local_formulas
    local = local_formulas(pr.trace, step, q, pr.n)
    if pr.fixed_row(q.name) and np.ndim(local) == 2:
        local = np.array(local, dtype=object)
        local[0] = np.asarray(q.value, dtype=object)[0]
    return local


def symbolic_lines(pr: Printer, q, step, first):
    """Symbolic numbers: each entry as a formula in the entries of the quantities it reads
    (seed 004's first page), then the whole formula in the parameters and data when it is
    short enough to read; the JSON always has it."""
    from ..symbolic import is_short
    lines = [first]
    local = local_entries(pr, step, q)
    fixed = pr.fixed_row(q.name)
    shown_local = pr.matrix(local, fixed_row=fixed)
    result = pr.matrix(q.value, fixed_row=fixed)
    if shown_local.text != result.text:
        lines.append(Row("", "=", shown_local))
    if is_short(q.value):
        lines.append(Row("", "=", result))
    return lines


def loss_lines(pr: Printer, q, step=None):
    first = Row(pr.n.symbol("J"), "=", pr.formula(q.expr))
    if pr.blank:
        return [first, Row("", "=", pr.matrix(q.value))]
    if pr.trace.field.symbolic and step is not None:
        return symbolic_lines(pr, q, step, first)
    terms = loss_terms(pr, q)
    value = pr.checked(terms.value, pr.number(q.value))
    return [first, Row("", pr.rel(terms), terms), Row("", pr.result_rel(q, None, terms, value), value)]


def _givens(pr, step, names, computed=()):
    """Data and parameters as matrices; the kinds in `computed` (the parameters of a later
    step) stay empty boxes on a blank sheet, but for frozen ones (given: they never change);
    the rest is given and always shown."""
    lines = []
    frozen = frozen_names(step)
    for q in step.quantities.values():
        if q.kind in ("data", "param") and q.name in names:
            sym = pr.n.symbol(q.name)
            if q.name == "A0" and len(step.batch) == pr.trace.problem.m:   # a mini-batch is not all of X
                sym += r" = \tilde{X}" if pr.aug else " = X"
            boxed = pr.blank and q.kind in computed and q.name not in frozen
            shown = pr.matrix(q.value, factor=False, blank=boxed, fixed_row=pr.fixed_row(q.name))
            lines.append(Row(sym, "=", Math(f"{shown.text} {shape_note(pr.shape(q.value), pr)}",
                                            rows=shown.rows)))
    return lines


def _step(pr: Printer, p, st, detail, first):
    entries = Entries(pr)
    sections = {}

    def sec(title):
        return sections.setdefault(title, Section(title))

    if not first:
        names = {q.name for q in st.quantities.values() if q.kind == "param"}
        title = "Parameters at the start of this step"
        if p.batch_size and len(p.batches()) > 1:
            names |= {"A0", "Y"}
            title = "This step's samples, and the parameters at its start"
        sec(title).add(_givens(pr, st, names, computed=("param",)))

    chain = Chain(pr, st) if detail == "chain" and not pr.blank else None
    den = _loss_denominator(st)
    frozen = frozen_names(st)
    for q in st.shown():
        if q.kind in ("data", "param"):
            continue
        if pr.blank and (q.name[:-5] in frozen or q.name[1:] in frozen):
            continue      # no gradient, no update to work out: the sentence below says why
        qden = den if q.kind == "backward" else None
        if q.kind == "forward":
            s = sec("Forward pass")
        elif q.kind == "loss":
            sec("Loss").add(loss_lines(pr, q, st))
            continue
        elif q.kind == "backward":
            s = sec("Backward pass")
        else:
            s = sec("Update")
        if chain is not None and q.kind == "backward":
            _chain_quantity(pr, chain, s, q, entries, qden)
            continue
        s.add(matrix_lines(pr, q, st, qden), fused_note(q, p))
        if detail != "matrix" and not pr.blank:
            _entry_lines(s, entries, q)
    if frozen:
        asked = not pr.blank and all("d" + n in st.quantities for n in frozen)
        sec("Update").add([], frozen_sentence(frozen, asked))
    return list(sections.values())


def frozen_names(step) -> set:
    """The parameters the optimizer leaves alone (`freeze`): those whose update is the
    parameter itself (θ_new = θ; an augmented W̃ with only its bias column frozen is not)."""
    return {q.expr.name for q in step.quantities.values()
            if q.kind == "update" and isinstance(q.expr, ops.Ref) and q.name == q.expr.name + "_next"}


_FROZEN_WORDS = {("W",): "the weights", ("b",): "the biases", ("W", "b"): "the weights and biases"}


def frozen_sentence(frozen, gradient_shown) -> str:
    """One sentence: which parameters are frozen, and that they keep their values (the
    solution shows their gradient, which the blank sheet does not ask for)."""
    kinds = {}                      # layer -> its frozen kinds
    for name in frozen:
        kinds.setdefault(int(name[1:]), []).append(name[0])
    groups = {}                     # kinds -> layers
    for l in sorted(kinds):
        groups.setdefault(tuple(sorted(kinds[l])), []).append(l)
    said = " and ".join(f"{_FROZEN_WORDS[k]} of {_layers(ls)}" for k, ls in sorted(groups.items()))
    why = ("their gradient above is not used and there is no update" if gradient_shown else
           "there is no gradient to compute and no update")
    return (f"{said[0].upper()}{said[1:]} are frozen: the optimizer leaves them alone, so {why}; "
            "they keep their values.")


def _layers(ls) -> str:
    if len(ls) == 1:
        return f"layer {ls[0]}"
    return "layers " + ", ".join(map(str, ls[:-1])) + f" and {ls[-1]}"


def _entry_lines(s, entries, q):
    """The entries of q one by one, under their heading; nothing (no heading alone) when q
    has no entry to work out (A = Z of a layer without activation, a given)."""
    lines = entries.lines(q)
    if lines:
        s.add(lines, "entry by entry")


def fused_note(q, p) -> str:
    """Why Δ of the last layer skips ∂J/∂Â, when softmax meets cross-entropy (or sigmoid BCE)."""
    if not isinstance(q.expr, ops.FusedDelta):
        return ""
    act = "softmax" if p.loss == "cross_entropy" else "sigmoid"
    delta, grad = ("dZ", "dA") if p.notation.get("gradient") == "d" else ("Δ", "∂J/∂A")
    if act == "softmax":
        why, holds = "the softmax's Jacobian", "whenever every sample's targets sum to 1"
        risky = "dividing by A"
    else:
        why, holds = "the sigmoid's derivative A ⊙ (1 − A)", "for any targets in [0, 1]"
        risky = "dividing by A ⊙ (1 − A)"
    c = Fraction(q.expr.grad.factor(q.parts[id(q.expr.args[1])]))
    const = "" if c == 1 else f", with c = {c} the loss's constant ({_per_words(p)})"
    return (f"{act.capitalize()} and {LOSSES[p.loss].words} together: {why} cancels the division "
            f"by A in {grad} of the last layer, so {delta} = {'c (A − Y)' if c != 1 else 'A − Y'}{const}. "
            f"This holds {holds}, and stays right where A is 0 or 1 to many digits (a "
            f"saturated unit), where {risky} could not.")


def _per_words(p) -> str:
    """What the fused Δ's constant c averages over: '1/m, the mean over the samples'."""
    per = LOSSES[p.loss].per(p.loss_opts).replace("m", "" if p.per_sample else "m")
    return {"m": "1/m, the mean over the samples", "n": "1/n, the mean over the outputs",
            "mn": "1/(mn), the mean over samples and outputs", "": "the loss's scale"}[per]


def _loss_denominator(step):
    """The denominator of ∂J/∂Ŷ's constant (1/m: 4 for four samples), or None."""
    q = step.quantities.get(f"dA{max(int(n[2:]) for n in step.quantities if n[:2] == 'dA' and n[2:].isdigit())}")
    if q is None or not isinstance(q.expr, ops.LossGrad):
        return None
    c = Fraction(q.expr.factor(q.parts[id(q.expr.args[1])]))
    return c.denominator if c.denominator > 1 else None


def _chain_quantity(pr, chain, s, q, entries, den):
    """Backward pass in chain detail: per layer the Δs, every weight and bias by the chain
    rule, then the matrices they fill; ∂J/∂A of a hidden layer as the sum over paths."""
    head, l = q.name.rstrip("0123456789"), int(q.name[len(q.name.rstrip("0123456789")):])
    L = len(pr.trace.problem.layers)
    if head == "dA":
        s.add(matrix_lines(pr, q, den=den))
        if l == L:
            _entry_lines(s, entries, q)
        else:
            paths = "the sum over the paths" if len(chain.neurons(chain.v(f"dZ{l + 1}"))) > 1 else "the one path"
            s.add(chain.upstream(l), f"layer {l}: {paths} through layer {l + 1}")
        return
    if head not in ("dZ", "dW", "db"):
        s.add(matrix_lines(pr, q, den=den))
        return
    if head == "dZ":
        note = fused_note(q, pr.trace.problem)
        s.add(chain.deltas(l), f"layer {l}: the error of each neuron" + (f" ({note[0].lower()}{note[1:-1]})" if note else ""))
    elif head == "dW":
        s.add(chain.weights(l), f"layer {l}: every weight by the chain rule")
    else:
        s.add(chain.biases(l), f"layer {l}: every bias by the chain rule")
    shown = pr.matrix(q.value, den=den, fixed_row=pr.fixed_row(q.name))
    s.add([Row(pr.n.symbol(q.name), pr.rel(shown), shown)])


def build(trace, fmt="markdown", detail="matrix", max_entries=None, decimals=None, blank=False):
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}")
    p = trace.problem
    text = latex_text if fmt == "latex" else math_text
    first = trace.steps[0]
    givens = {q.name for q in first.quantities.values() if q.kind in ("data", "param")}
    pr = Printer(trace, decimals=decimals, max_entries=max_entries, blank=blank, text=text, givens=givens)
    n = pr.n
    loss_node = first.quantities["J"].expr
    acts = sorted({L.activation for L in p.layers if L.activation})
    doc = {
        "title": p.title or "Training step",
        "blank": blank,
        "detail": detail,
        "facts": facts(p, blank, loss_formula(loss_node, n), n),
        "layers": network_rows(p),
        "figure": figure(p, n),
        "figure_legend": figure_legend(p, n),
        "diagram": diagram_text(p),
        "activations": [(ACT_DEFINITION[a], ACT_DERIVATIVE[a]) for a in acts],
        "data": data_table(pr, p),
        "givens": [],
        "steps": [],
        "final": [],
    }
    section = Section("Given matrices")
    section.add(_givens(pr, first, givens))
    doc["givens"] = section.blocks
    doc["givens_whole"] = section.whole
    for st in trace.steps:
        batch = None
        if p.batch_size is not None and p.batch_size < p.m:
            batch = ", ".join(str(i + 1) for i in st.batch)
        doc["steps"].append({"index": st.index, "batch": batch,
                             "sections": _step(pr, p, st, detail, st is first)})
    last = trace.steps[-1]
    for q in last.quantities.values():
        if q.kind == "update" and q.name.endswith("_next"):
            value = q.value
            if trace.field.symbolic and not pr.blank:
                from ..symbolic import is_short
                if not is_short(value):    # the whole formula is in the JSON
                    value = local_entries(pr, last, q)
            shown = pr.matrix(value, fixed_row=pr.fixed_row(q.name))
            doc["final"].append({"symbol": n.symbol(q.name), "rel": pr.rel(shown), "value": shown.text,
                                 "shape": shape_note(pr.shape(q.value), pr)})
    return doc


def data_table(pr, p):
    """The data as the file gives it, one row per sample (numbered from 1)."""
    n_in, n_out = len(p.x[0]), len(p.y[0])
    # many features or outputs: first and last columns, as the matrices show them (700
    # columns would be "Dimension too large" in LaTeX)
    (_, xs), (_, ys) = pr.shown_indices(1, n_in), pr.shown_indices(1, n_out)
    head = [r"\cdots" if k is None else f"x_{{{k + 1}}}" for k in xs] + \
           [r"\cdots" if k is None else f"y_{{{k + 1}}}" for k in ys]
    F = pr.trace.field
    rows = []
    shown, _ = pr.shown_indices(len(p.x), 1)     # a long data set: first and last samples
    for s in shown:
        if s is None:
            rows.append({"sample": r"\vdots", "cells": [r"\vdots"] * len(head)})
            continue
        cells = [r"\cdots" if k is None else pr.number(F.const(Fraction(row[k]))).text
                 for row, ks in ((p.x[s], xs), (p.y[s], ys)) for k in ks]
        rows.append({"sample": s + 1, "cells": cells})
    return {"head": head, "rows": rows, "n_in": n_in, "n_out": n_out}


def values_flat(value):
    return np.asarray(value, dtype=object).ravel()
