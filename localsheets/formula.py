"""Formula text: tokens, a syntax tree, and references rewritten when the grid changes.

The grammar is what managers type in an en_US sheet (commas between
arguments), with Google's precedence, lowest first: comparisons, `&`, `+ -`,
`* /`, `^`, unary minus, postfix `%`.
https://support.google.com/docs/answer/46977 (cell references, ranges, other tabs)

A text that does not parse is Google's `#ERROR!` ("Formula parse error.").
"""
import dataclasses
import re

from localsheets import a1

ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#ERROR!")

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<str>"(?:[^"]|"")*")
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?
        (?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d*)?
          |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?:\$?\d+)?
          |\$?\d+:\$?\d+)(?![\w(!]))
  | (?P<err>\#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|ERROR!))
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][\w.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%(),:])
""", re.VERBOSE)


class ParseError(ValueError):
    pass


@dataclasses.dataclass
class Ref:
    """A cell or range reference; None bounds are open (`A:A`, `2:5`, `A2:A`)."""
    sheet: str | None
    r0: int | None
    r1: int | None  # exclusive
    c0: int | None
    c1: int | None  # exclusive
    abs_flags: tuple = (False, False, False, False)  # $col0, $row0, $col1, $row1
    single: bool = False

    def text(self):
        def cell(col, row, col_abs, row_abs):
            out = ""
            if col is not None:
                out += ("$" if col_abs else "") + a1.index_to_col(col)
            if row is not None:
                out += ("$" if row_abs else "") + str(row + 1)
            return out
        f = self.abs_flags
        body = cell(self.c0, self.r0, f[0], f[1])
        if not self.single:
            body += ":" + cell(None if self.c1 is None else self.c1 - 1, None if self.r1 is None else self.r1 - 1,
                               f[2], f[3])
        return (a1.quote_sheet(self.sheet) + "!" if self.sheet is not None else "") + body


def _parse_ref(text):
    sheet = None
    if "!" in text:
        sheet, _, text = text.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
    parts = text.split(":")

    def one(part):
        m = re.fullmatch(r"(\$?)([A-Za-z]{0,3})(\$?)(\d*)", part)
        col = a1.col_to_index(m[2]) if m[2] else None
        row = int(m[4]) - 1 if m[4] else None
        if row is not None and row < 0:
            raise ParseError(part)
        return col, row, bool(m[1]), bool(m[3])
    c0, r0, ca0, ra0 = one(parts[0])
    if len(parts) == 1:
        return Ref(sheet, r0, r0 + 1, c0, c0 + 1, (ca0, ra0, ca0, ra0), single=True)
    c1, r1, ca1, ra1 = one(parts[1])
    if c0 is not None and c1 is not None and c1 < c0:
        c0, c1, ca0, ca1 = c1, c0, ca1, ca0
    if r0 is not None and r1 is not None and r1 < r0:
        r0, r1, ra0, ra1 = r1, r0, ra1, ra0
    return Ref(sheet, r0, None if r1 is None else r1 + 1, c0, None if c1 is None else c1 + 1, (ca0, ra0, ca1, ra1))


def tokenize(text):
    """[(kind, text, value)] whose texts join back to `text` (after its `=`)."""
    tokens, i = [], 0
    while i < len(text):
        m = _TOKEN.match(text, i)
        if not m:
            raise ParseError(f"unexpected {text[i]!r}")
        kind = m.lastgroup
        piece = m.group()
        value = piece
        if kind == "str":
            value = piece[1:-1].replace('""', '"')
        elif kind == "num":
            value = float(piece)
        elif kind == "ref":
            value = _parse_ref(piece)
        tokens.append((kind, piece, value))
        i = m.end()
    return tokens


# --- the tree -----------------------------------------------------------------
# ("num", x) ("str", s) ("bool", b) ("err", code) ("ref", Ref) ("name", text)
# ("call", NAME, [args]) ("op", symbol, left, right) ("neg", x) ("pct", x) ("blank",)

_BINARY = [("=", "<>", "<", ">", "<=", ">="), ("&",), ("+", "-"), ("*", "/"), ("^",)]


class _Parser:
    def __init__(self, tokens):
        self.tokens = [t for t in tokens if t[0] != "ws"]
        self.i = 0

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None, None)

    def take(self, piece=None):
        tok = self.peek()
        if tok[0] is None or (piece is not None and tok[1] != piece):
            raise ParseError(f"expected {piece or 'more'}")
        self.i += 1
        return tok

    def parse(self):
        if not self.tokens:
            raise ParseError("empty formula")
        node = self.binary(0)
        if self.i != len(self.tokens):
            raise ParseError(f"unexpected {self.peek()[1]!r}")
        return node

    def binary(self, level):
        if level == len(_BINARY):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in _BINARY[level]:
            op = self.take()[1]
            node = ("op", op, node, self.binary(level + 1))
        return node

    def unary(self):
        if self.peek()[0] == "op" and self.peek()[1] in "+-":
            op = self.take()[1]
            inner = self.unary()
            return ("neg", inner) if op == "-" else inner
        return self.postfix()

    def postfix(self):
        node = self.primary()
        while self.peek()[1] == "%":
            self.take()
            node = ("pct", node)
        return node

    def primary(self):
        kind, piece, value = self.take()
        if kind == "num":
            return ("num", value)
        if kind == "str":
            return ("str", value)
        if kind == "err":
            return ("err", piece)
        if kind == "ref":
            return ("ref", value)
        if kind == "name":
            if self.peek()[1] == "(":
                return ("call", piece.upper(), self.arguments())
            if piece.upper() in ("TRUE", "FALSE"):
                return ("bool", piece.upper() == "TRUE")
            return ("name", piece)
        if piece == "(":
            node = self.binary(0)
            self.take(")")
            return node
        raise ParseError(f"unexpected {piece!r}")

    def arguments(self):
        self.take("(")
        args = []
        if self.peek()[1] == ")":
            self.take()
            return args
        while True:
            if self.peek()[1] in (",", ")"):
                args.append(("blank",))  # an argument left out: IF(A1,,1)
            else:
                args.append(self.binary(0))
            if self.take()[1] == ")":
                return args


def parse(formula):
    """The tree of `=…` text; ParseError when Google would say #ERROR!."""
    if not formula.startswith("="):
        raise ParseError("not a formula")
    return _Parser(tokenize(formula[1:])).parse()


def normalize(formula):
    """Formula text as Google keeps it: function names and references in capitals."""
    try:
        tokens = tokenize(formula[1:])
        _Parser(tokens).parse()
    except ParseError:
        return formula
    out = []
    for i, (kind, piece, value) in enumerate(tokens):
        following = next((t for t in tokens[i + 1:] if t[0] != "ws"), (None, None))
        if kind == "name" and (following[1] == "(" or piece.upper() in ("TRUE", "FALSE")):
            piece = piece.upper()
        elif kind == "ref":
            sheet, bang, cells = piece.rpartition("!")
            piece = sheet + bang + cells.upper()
        out.append(piece)
    return "=" + "".join(out)


def rewrite_refs(formula, change):
    """Apply `change(ref) -> Ref | None` to each reference; None makes it #REF!."""
    try:
        tokens = tokenize(formula[1:])
    except ParseError:
        return formula
    out, touched = [], False
    for kind, piece, value in tokens:
        if kind == "ref":
            new = change(dataclasses.replace(value))
            if new is None:
                out.append("#REF!")
                touched = True
                continue
            if new != value:
                out.append(new.text())
                touched = True
                continue
        out.append(piece)
    return "=" + "".join(out) if touched else formula
