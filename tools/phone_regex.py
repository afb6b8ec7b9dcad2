"""The small regular-expression dialect of libphonenumber's metadata, compiled to digit machines.

libphonenumber writes every number pattern with digits, classes (`[2-9]`, `\\d`), groups
(`(...)`, `(?:...)`), alternation, greedy `?`, `{n}`, `{m,n}` and, in a few
national-prefix rules, a final `$`. Nothing else occurs (the parser refuses anything else),
so each pattern denotes a finite set of digit strings and can be turned into:

- a deterministic automaton over the ten digits (`build_dfa`), for full matches and for
  "starts with" tests, with no regular-expression engine at run time;
- an ordered list of paths (`paths`), each a sequence of digit classes, group marks and end
  anchors, in the order a backtracking engine (Java's, Python's) tries them, so that a prefix
  match picks the same alternative as libphonenumber does, and capture groups come out the
  same.

Used by tools/gen_world_plan.py.
"""
from __future__ import annotations

ALL_DIGITS = (1 << 10) - 1


class PatternError(ValueError):
    pass


# AST: ("cls", mask) | ("cat", [nodes]) | ("alt", [nodes]) | ("rep", node, lo, hi)
#      | ("group", index, node) | ("end",)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.groups = 0

    def fail(self, why: str):
        raise PatternError(f"pattern {self.text!r} at {self.pos}: {why}")

    def peek(self):
        return self.text[self.pos] if self.pos < len(self.text) else None

    def take(self):
        c = self.peek()
        self.pos += 1
        return c

    def parse(self):
        node = self.alternation()
        if self.pos != len(self.text):
            self.fail("unexpected character")
        return node

    def alternation(self):
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else ("alt", branches)

    def sequence(self):
        items = []
        while self.peek() not in (None, "|", ")"):
            items.append(self.quantified())
        return items[0] if len(items) == 1 else ("cat", items)

    def quantified(self):
        atom = self.atom()
        while True:
            c = self.peek()
            if c == "?":
                self.take()
                atom = ("rep", atom, 0, 1)
            elif c == "{":
                self.take()
                lo = self.number()
                hi = lo
                if self.peek() == ",":
                    self.take()
                    hi = self.number()
                if self.take() != "}":
                    self.fail("expected }")
                if hi < lo:
                    self.fail("bad repeat")
                atom = ("rep", atom, lo, hi)
            elif c in ("*", "+"):
                self.fail("unbounded repetition")
            else:
                break
            if self.peek() == "?":
                self.fail("lazy quantifier")
        return atom

    def number(self):
        start = self.pos
        while self.peek() is not None and self.peek().isdigit():
            self.take()
        if start == self.pos:
            self.fail("expected a number")
        return int(self.text[start:self.pos])

    def atom(self):
        c = self.take()
        if c is None:
            self.fail("unexpected end")
        if c.isdigit():
            return ("cls", 1 << int(c))
        if c == "\\":
            e = self.take()
            if e == "d":
                return ("cls", ALL_DIGITS)
            self.fail(f"escape \\{e}")
        if c == "[":
            return ("cls", self.char_class())
        if c == "(":
            capturing = True
            if self.text.startswith("?:", self.pos):
                self.pos += 2
                capturing = False
            if capturing:
                self.groups += 1
                index = self.groups
            inner = self.alternation()
            if self.take() != ")":
                self.fail("expected )")
            return ("group", index, inner) if capturing else inner
        if c == "$":
            return ("end",)
        self.fail(f"character {c!r}")

    def char_class(self):
        mask = 0
        if self.peek() == "^":
            self.fail("negated class")
        while True:
            c = self.take()
            if c is None:
                self.fail("unterminated class")
            if c == "]":
                return mask
            if c == "\\" and self.peek() == "d":
                self.take()
                mask |= ALL_DIGITS
                continue
            if not c.isdigit():
                self.fail(f"class member {c!r}")
            lo = int(c)
            hi = lo
            if self.peek() == "-" and self.pos + 1 < len(self.text) and self.text[self.pos + 1] != "]":
                self.take()
                h = self.take()
                if not h.isdigit():
                    self.fail("bad range")
                hi = int(h)
            for d in range(lo, hi + 1):
                mask |= 1 << d


def parse(text: str):
    """The AST of `text` and its number of capture groups."""
    p = _Parser(text)
    return p.parse(), p.groups


# ---------------------------------------------------------------- automata

class _Nfa:
    """Thompson NFA over digits: eps[s] lists epsilon moves, edges[s] (mask, target) pairs."""

    def __init__(self):
        self.eps: list[list[int]] = []
        self.edges: list[list[tuple[int, int]]] = []
        self.tags: list[set] = []

    def state(self):
        self.eps.append([])
        self.edges.append([])
        self.tags.append(set())
        return len(self.eps) - 1

    def build(self, node, start):
        """Adds `node` from `start`; returns its end state."""
        kind = node[0]
        if kind == "cls":
            end = self.state()
            self.edges[start].append((node[1], end))
            return end
        if kind == "cat":
            for item in node[1]:
                start = self.build(item, start)
            return start
        if kind == "alt":
            end = self.state()
            for branch in node[1]:
                s = self.state()
                self.eps[start].append(s)
                self.eps[self.build(branch, s)].append(end)
            return end
        if kind == "rep":
            _, inner, lo, hi = node
            ends = []
            for i in range(hi):
                if i >= lo:
                    ends.append(start)
                start = self.build(inner, start)
            ends.append(start)
            end = self.state()
            for e in ends:
                self.eps[e].append(end)
            return end
        if kind == "group":
            return self.build(node[2], start)
        if kind == "end":
            return start  # full matches end at the end anyway
        raise PatternError(f"node {kind}")

    def closure(self, states):
        seen = set(states)
        stack = list(states)
        while stack:
            s = stack.pop()
            for t in self.eps[s]:
                if t not in seen:
                    seen.add(t)
                    stack.append(t)
        return frozenset(seen)


def build_dfa(patterns):
    """One minimal DFA for many tagged patterns.

    `patterns`: iterable of (pattern text, tag, mode), mode "full" (the whole input matches)
    or "prefix" (some prefix of the input matches: the tag then sticks to every later state).
    Returns (transitions, tags): transitions[s][d] is the next state (0 is the dead state,
    1 the start), tags[s] a frozenset of the tags whose pattern accepts at s.
    """
    nfa = _Nfa()
    start = nfa.state()
    for text, tag, mode in patterns:
        ast, _ = parse(text)
        s = nfa.state()
        nfa.eps[start].append(s)
        end = nfa.build(ast, s)
        if mode == "prefix":
            sink = nfa.state()
            nfa.eps[end].append(sink)
            nfa.edges[sink].append((ALL_DIGITS, sink))
            nfa.tags[sink].add(tag)
        else:
            nfa.tags[end].add(tag)
    # subset construction
    dead = frozenset()
    ids = {dead: 0}
    order = [dead]
    first = nfa.closure([start])
    ids[first] = 1
    order.append(first)
    trans = [[0] * 10]
    i = 1
    while i < len(order):
        cur = order[i]
        row = []
        for d in range(10):
            bit = 1 << d
            nxt = [t for s in cur for (m, t) in nfa.edges[s] if m & bit]
            target = nfa.closure(nxt) if nxt else dead
            if target not in ids:
                ids[target] = len(order)
                order.append(target)
            row.append(ids[target])
        trans.append(row)
        i += 1
    tags = [frozenset(t for s in st for t in nfa.tags[s]) for st in order]
    return _minimise(trans, tags)


def _minimise(trans, tags):
    """Moore's partition refinement; keeps 0 dead and 1 start."""
    n = len(trans)
    tag_ids: dict = {}
    block = [tag_ids.setdefault(tags[s], len(tag_ids)) for s in range(n)]
    # the dead state must stay apart from any other tagless state that is not dead
    while True:
        sigs: dict = {}
        new = [sigs.setdefault((block[s], tuple(block[t] for t in trans[s])), len(sigs)) for s in range(n)]
        if len(sigs) == len(set(block)):
            break
        block = new
    # renumber: dead 0, start 1, then in order of first appearance (breadth first from start)
    order = {block[0]: 0}
    queue = [1]
    if block[1] not in order:
        order[block[1]] = 1
    seen = {1}
    rep = {block[0]: 0, block[1]: 1}
    while queue:
        s = queue.pop(0)
        for t in trans[s]:
            b = block[t]
            if b not in order:
                order[b] = len(order)
                rep[b] = t
            if t not in seen and rep.get(b) == t:
                seen.add(t)
                queue.append(t)
    m = len(order)
    out_trans = [[0] * 10 for _ in range(m)]
    out_tags = [frozenset()] * m
    for b, i in order.items():
        s = rep[b]
        out_trans[i] = [order[block[t]] for t in trans[s]]
        out_tags[i] = tags[s]
    return out_trans, out_tags


# ---------------------------------------------------------------- prefix paths

# Path steps: ("cls", mask) consumes a digit; ("open", g) / ("close", g) mark group g;
# ("end",) requires the end of the input.

def paths(text: str, limit: int = 5000):
    """Every way the pattern can match, in backtracking order, as step tuples."""
    ast, groups = parse(text)
    out = list(_paths(ast))
    if len(out) > limit:
        raise PatternError(f"pattern {text!r} has {len(out)} paths")
    return out, groups


def _paths(node):
    kind = node[0]
    if kind == "cls":
        yield (node,)
    elif kind == "end":
        yield (("end",),)
    elif kind == "group":
        for p in _paths(node[2]):
            yield (("open", node[1]),) + p + (("close", node[1]),)
    elif kind == "alt":
        for b in node[1]:
            yield from _paths(b)
    elif kind == "cat":
        yield from _cat_paths(node[1])
    elif kind == "rep":
        yield from _rep_paths(node[1], node[2], node[3])


def _cat_paths(items):
    if not items:
        yield ()
        return
    rest = list(_cat_paths(items[1:]))
    for head in _paths(items[0]):
        for tail in rest:
            yield head + tail


def _rep_paths(inner, lo, hi):
    # Greedy, as a backtracking engine: after each repetition it first tries one more, and
    # gives the last one up only when everything after it failed.
    if hi == 0:
        yield ()
        return
    rest = list(_rep_paths(inner, max(lo - 1, 0), hi - 1))
    for head in _paths(inner):
        for tail in rest:
            yield head + tail
    if lo == 0:
        yield ()
