"""What the Rust core sends, read from its source (core/src/resources/*.rs): every
``Call::get/post/put/patch/delete(&[...])`` with the path segments it names, and the wire names
of the query parameters and body fields it serializes (serde field names, ``rename``s,
``flatten``ed structs followed, ``skip``ped fields and fields set to a literal ``None`` under
``skip_serializing_if = "Option::is_none"`` left out).

The source is parsed, not compiled: comments are removed and string/char literals masked first
(so a ``{`` or ``//`` inside a string never confuses the structure), then structs and call
chains are read with balanced-bracket scanning. Anything this reader does not understand (an
unknown serde attribute, a body expression whose type it cannot find) is an error naming the
spot, never a silent skip.
"""

from __future__ import annotations

import pathlib
import re
from dataclasses import dataclass, field
from typing import Callable, Optional

from _document import ROOT

RESOURCES = ROOT / "core" / "src" / "resources"
# Test-only modules: they never send anything.
SKIP_FILES = {"real_captures.rs"}


class RustParseError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Lexing: comments out, literals masked (same length, so offsets stay valid in both texts).


def mask(src: str) -> str:
    """``src`` with comments blanked and the insides of string and char literals replaced by
    ``_`` (quotes kept), newlines preserved, so structure can be scanned with regexes."""
    out = list(src)
    i, n = 0, len(src)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = " "

    def fill(a: int, b: int) -> None:
        for k in range(a, b):
            if out[k] != "\n":
                out[k] = "_"

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            blank(i, j)
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(i, j)
            i = j
        elif (m := re.compile(r'b?r(#*)"').match(src, i)) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_")):
            hashes = m.group(1)
            end = src.find('"' + hashes, m.end())
            if end < 0:
                raise RustParseError(f"unterminated raw string at offset {i}")
            fill(m.end(), end)
            i = end + 1 + len(hashes)
        elif c == '"' or (c == "b" and src.startswith('b"', i) and (i == 0 or not (src[i - 1].isalnum() or src[i - 1] == "_"))):
            start = i + (2 if c == "b" else 1)
            j = start
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            fill(start, j)
            i = j + 1
        elif c == "'":
            # A char literal ('a', '\n', '\u{1F600}', '"') or a lifetime ('a, 'static).
            m = re.compile(r"'(\\u\{[0-9a-fA-F]+\}|\\.|[^\\'])'").match(src, i)
            if m:
                fill(i + 1, m.end() - 1)
                i = m.end()
            else:
                i += 1
        else:
            i += 1
    return "".join(out)


def matching(masked: str, open_at: int) -> int:
    """The offset of the bracket closing the one at ``open_at`` (in masked text)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack = [pairs[masked[open_at]]]
    i = open_at + 1
    while i < len(masked):
        c = masked[i]
        if c in pairs:
            stack.append(pairs[c])
        elif c in ")]}":
            if c != stack.pop():
                raise RustParseError(f"unbalanced {c!r} at offset {i}")
            if not stack:
                return i
        i += 1
    raise RustParseError(f"no closing bracket for offset {open_at}")


def split_top(masked: str, a: int, b: int) -> list[tuple[int, int]]:
    """Spans of the comma-separated items of ``masked[a:b]`` at bracket depth 0 (angle
    brackets of generics counted too, ``->`` and ``=>`` excepted)."""
    spans, depth, angle, start = [], 0, 0, a
    i = a
    while i < b:
        c = masked[i]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "<":
            angle += 1
        elif c == ">" and masked[i - 1] not in "-=":
            angle = max(0, angle - 1)
        elif c == "," and depth == 0 and angle == 0:
            spans.append((start, i))
            start = i + 1
        i += 1
    if masked[start:b].strip():
        spans.append((start, b))
    return spans


def strip_test_modules(src: str, masked: str) -> tuple[str, str]:
    """Both texts with every ``#[cfg(test)] mod x { ... }`` blanked (tests never send)."""
    out_src, out_masked = list(src), list(masked)
    for m in re.finditer(r"#\[cfg\(test\)\]\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+\w+\s*\{", masked):
        end = matching(masked, m.end() - 1)
        for k in range(m.start(), end + 1):
            if out_src[k] != "\n":
                out_src[k] = " "
                out_masked[k] = " "
    return "".join(out_src), "".join(out_masked)


def string_value(src: str, a: int, b: int) -> str:
    """The value of the plain string literal spanning ``src[a:b]`` (escapes of \\" and \\\\)."""
    text = src[a:b].strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise RustParseError(f"expected a string literal, got {text!r}")
    return text[1:-1].replace('\\"', '"').replace("\\\\", "\\")


# --------------------------------------------------------------------------------------------
# Structs and their serde names.


@dataclass
class Field:
    rust_name: str
    wire_name: str
    type_text: str
    flatten: bool
    skipped: bool
    skip_if_none: bool


@dataclass
class Struct:
    name: str
    file: str
    line: int
    serialize: bool
    fields: list[Field]


SERDE_FIELD_KEYS = {
    "rename",
    "flatten",
    "skip",
    "skip_serializing",
    "skip_deserializing",
    "skip_serializing_if",
    "default",
    "deserialize_with",
    "serialize_with",
    "with",
    "borrow",
    "alias",
}

RENAME_ALL: dict[str, Callable[[str], str]] = {
    "lowercase": lambda s: s.replace("_", "").lower(),
    "snake_case": lambda s: s,
    "camelCase": lambda s: re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), s),
    "kebab-case": lambda s: s.replace("_", "-"),
    "SCREAMING_SNAKE_CASE": lambda s: s.upper(),
}


def serde_args(src: str, masked: str, attrs: list[tuple[int, int]]) -> dict[str, Optional[str]]:
    """The ``#[serde(...)]`` arguments among the attribute spans, ``key -> string value`` (None
    for a bare flag)."""
    out: dict[str, Optional[str]] = {}
    for a, b in attrs:
        m = re.match(r"#\[\s*serde\s*\(", masked[a:b])
        if not m:
            continue
        open_at = a + m.end() - 1
        close = matching(masked, open_at)
        for sa, sb in split_top(masked, open_at + 1, close):
            item = masked[sa:sb]
            km = re.match(r"\s*([A-Za-z_][\w-]*)\s*(=|\()?", item)
            if not km:
                raise RustParseError(f"unreadable serde argument {src[sa:sb]!r}")
            key = km.group(1)
            if km.group(2) == "=":
                out[key] = string_value(src, sa + km.end(), sb)
            elif km.group(2) == "(":
                # rename(serialize = "x", deserialize = "y"): the serialize name is what is sent.
                inner_open = sa + km.end() - 1
                inner_close = matching(masked, inner_open)
                for ia, ib in split_top(masked, inner_open + 1, inner_close):
                    im = re.match(r"\s*(\w+)\s*=", masked[ia:ib])
                    if im and im.group(1) == "serialize":
                        out[key] = string_value(src, ia + im.end(), ib)
            else:
                out[key] = None
    return out


def attribute_spans(masked: str, a: int, b: int) -> tuple[list[tuple[int, int]], int]:
    """The ``#[...]`` spans at the start of ``masked[a:b]`` and the offset after them."""
    spans = []
    i = a
    while True:
        while i < b and masked[i].isspace():
            i += 1
        if masked.startswith("#[", i):
            close = matching(masked, i + 1)
            spans.append((i, close + 1))
            i = close + 1
        else:
            return spans, i


STRUCT_RE = re.compile(r"\b(?:pub(?:\([^)]*\))?\s+)?struct\s+(\w+)\s*(<[^{;(]*>)?\s*\{")


def parse_structs(path: pathlib.Path, src: str, masked: str) -> dict[str, Struct]:
    structs: dict[str, Struct] = {}
    for m in STRUCT_RE.finditer(masked):
        name = m.group(1)
        # The attributes before the struct: walk back over `#[...]` blocks.
        attrs: list[tuple[int, int]] = []
        j = m.start()
        while True:
            k = j
            while k > 0 and masked[k - 1].isspace():
                k -= 1
            if k > 0 and masked[k - 1] == "]":
                # find its opening `#[`
                depth, p = 0, k - 1
                while p >= 0:
                    if masked[p] == "]":
                        depth += 1
                    elif masked[p] == "[":
                        depth -= 1
                        if depth == 0:
                            break
                    p -= 1
                if p > 0 and masked[p - 1] == "#":
                    attrs.insert(0, (p - 1, k))
                    j = p - 1
                    continue
            break
        derive = " ".join(masked[a:b] for a, b in attrs if masked[a:b].startswith("#[derive"))
        serialize = bool(re.search(r"\bSerialize\b", derive))
        struct_serde = serde_args(src, masked, attrs)
        for key in struct_serde:
            if key not in {"rename_all", "deny_unknown_fields", "default"}:
                raise RustParseError(f"{path.name}: struct {name}: serde({key}) is not understood here")
        rename_all = struct_serde.get("rename_all")
        if rename_all is not None and rename_all not in RENAME_ALL:
            raise RustParseError(f"{path.name}: struct {name}: rename_all = {rename_all!r} not understood")
        body_open = m.end() - 1
        body_close = matching(masked, body_open)
        fields = []
        for fa, fb in split_top(masked, body_open + 1, body_close):
            fattrs, after = attribute_spans(masked, fa, fb)
            fm = re.match(r"\s*(?:pub(?:\([^)]*\))?\s+)?(r#)?(\w+)\s*:\s*", masked[after:fb])
            if not fm:
                raise RustParseError(f"{path.name}: struct {name}: unreadable field {src[fa:fb]!r}")
            rust_name = fm.group(2)
            args = serde_args(src, masked, fattrs)
            unknown = set(args) - SERDE_FIELD_KEYS
            if unknown:
                raise RustParseError(f"{path.name}: {name}.{rust_name}: serde({', '.join(sorted(unknown))}) not understood")
            wire = args.get("rename") or (RENAME_ALL[rename_all](rust_name) if rename_all else rust_name)
            skip_if = args.get("skip_serializing_if")
            fields.append(
                Field(
                    rust_name=rust_name,
                    wire_name=wire,
                    type_text=" ".join(src[after + fm.end() : fb].split()),
                    flatten="flatten" in args,
                    skipped="skip" in args or "skip_serializing" in args,
                    skip_if_none=skip_if in ("Option::is_none", "std::option::Option::is_none"),
                )
            )
        line = src.count("\n", 0, m.start()) + 1
        if name in structs:
            raise RustParseError(f"{path.name}: two structs named {name}")
        structs[name] = Struct(name, path.name, line, serialize, fields)
    return structs


# --------------------------------------------------------------------------------------------
# Call sites.


@dataclass
class Sent:
    """What one argument of ``.query(...)``/``.body(...)`` puts on the wire."""

    names: list[str]
    description: str  # e.g. "PageQuery" or "json!({})"


@dataclass
class CallSite:
    file: str
    line: int
    method: str  # GET, POST, ...
    segments: list[Optional[str]]  # literal segments; None for a runtime value (an id)
    query: Optional[Sent] = None
    body: Optional[Sent] = None
    fn_name: str = ""

    @property
    def where(self) -> str:
        return f"core/src/resources/{self.file}:{self.line}"

    @property
    def path(self) -> str:
        return "/" + "/".join("{}" if s is None else s for s in self.segments)


CALL_RE = re.compile(r"\bCall::(get|post|put|patch|delete)\s*\(")
FN_RE = re.compile(r"\bfn\s+(\w+)\s*(?:<[^(]*>)?\s*\(")


@dataclass
class SourceFile:
    path: pathlib.Path
    src: str
    masked: str
    structs: dict[str, Struct] = field(default_factory=dict)


class RustSurface:
    def __init__(self, directory: pathlib.Path = RESOURCES) -> None:
        self.files: list[SourceFile] = []
        for path in sorted(directory.glob("*.rs")):
            if path.name in SKIP_FILES:
                continue
            src = path.read_text(encoding="utf-8")
            masked = mask(src)
            src, masked = strip_test_modules(src, masked)
            sf = SourceFile(path, src, masked)
            sf.structs = parse_structs(path, src, masked)
            self.files.append(sf)
        self.calls: list[CallSite] = []
        for sf in self.files:
            self.calls.extend(self._calls(sf))

    # -- structs ------------------------------------------------------------------------------

    def struct(self, sf: SourceFile, name: str) -> Struct:
        if name in sf.structs:
            return sf.structs[name]
        found = [f.structs[name] for f in self.files if name in f.structs]
        if len(found) != 1:
            raise RustParseError(f"{sf.path.name}: struct {name} found {len(found)} times")
        return found[0]

    def struct_names(self, sf: SourceFile, name: str, nones: frozenset[str] = frozenset()) -> list[str]:
        """The wire names a value of struct ``name`` serializes to (``nones``: fields set to a
        literal ``None`` where it is built)."""
        st = self.struct(sf, name)
        if not st.serialize:
            raise RustParseError(f"{st.file}:{st.line}: struct {name} is sent but does not derive Serialize")
        owner = next(f for f in self.files if f.path.name == st.file)
        names: list[str] = []
        for f in st.fields:
            if f.skipped or (f.rust_name in nones and f.skip_if_none):
                continue
            if f.flatten:
                names.extend(self.struct_names(owner, type_name(f.type_text)))
            else:
                names.append(f.wire_name)
        return names

    # -- calls --------------------------------------------------------------------------------

    def _calls(self, sf: SourceFile) -> list[CallSite]:
        out = []
        src, masked = sf.src, sf.masked
        for m in re.finditer(r"\bCall::(\w+)", masked):
            if m.group(1) not in ("get", "post", "put", "patch", "delete"):
                line = src.count("\n", 0, m.start()) + 1
                raise RustParseError(f"{sf.path.name}:{line}: Call::{m.group(1)} is not read by this checker")
        for m in CALL_RE.finditer(masked):
            open_at = m.end() - 1
            close = matching(masked, open_at)
            args = split_top(masked, open_at + 1, close)
            site = CallSite(
                file=sf.path.name,
                line=src.count("\n", 0, m.start()) + 1,
                method=m.group(1).upper(),
                segments=self._segments(sf, *args[0]),
                fn_name=self._enclosing_fn(masked, m.start())[0],
            )
            # The chain: .name(args) .name(args) ...
            i = close + 1
            while True:
                cm = re.compile(r"\s*\.\s*(\w+)\s*\(").match(masked, i)
                if not cm:
                    break
                c_open = cm.end() - 1
                c_close = matching(masked, c_open)
                if cm.group(1) in ("query", "body"):
                    sent = self._sent(sf, c_open + 1, c_close, m.start())
                    setattr(site, cm.group(1), sent)
                i = c_close + 1
            out.append(site)
        return out

    def _segments(self, sf: SourceFile, a: int, b: int) -> list[Optional[str]]:
        text = sf.masked[a:b].strip()
        if text.startswith("&["):
            open_at = sf.masked.index("[", a)
            close = matching(sf.masked, open_at)
        elif re.fullmatch(r"&\s*[A-Z][A-Z0-9_]*", text):
            const = text.lstrip("&").strip()
            cm = re.search(rf"\bconst\s+{const}\s*:[^=]*=\s*\[", sf.masked)
            if not cm:
                raise RustParseError(f"{sf.path.name}: const {const} not found")
            open_at = cm.end() - 1
            close = matching(sf.masked, open_at)
        else:
            raise RustParseError(f"{sf.path.name}: unreadable path {sf.src[a:b]!r}")
        segs: list[Optional[str]] = []
        for sa, sb in split_top(sf.masked, open_at + 1, close):
            if sf.masked[sa:sb].strip().startswith('"'):
                segs.append(string_value(sf.src, sa, sb))
            else:
                segs.append(None)
        return segs

    def _enclosing_fn(self, masked: str, at: int) -> tuple[str, int, int]:
        """The name and parameter-list span of the last ``fn`` declared before ``at``."""
        last = None
        for m in FN_RE.finditer(masked, 0, at):
            last = m
        if last is None:
            raise RustParseError(f"no fn before offset {at}")
        open_at = last.end() - 1
        return last.group(1), open_at + 1, matching(masked, open_at)

    def _sent(self, sf: SourceFile, a: int, b: int, call_at: int) -> Sent:
        src, masked = sf.src, sf.masked
        text = masked[a:b].strip()
        # &Name { ... } / Name { ... }: a struct literal.
        sm = re.match(r"&?\s*([A-Z]\w*)\s*\{", text)
        if sm:
            lit_open = masked.index("{", a + masked[a:b].index(sm.group(1)))
            lit_close = matching(masked, lit_open)
            nones = set()
            for fa, fb in split_top(masked, lit_open + 1, lit_close):
                fm = re.fullmatch(r"\s*(\w+)\s*:\s*None\s*", masked[fa:fb])
                if fm:
                    nones.add(fm.group(1))
            return Sent(self.struct_names(sf, sm.group(1), frozenset(nones)), sm.group(1))
        # json!({...}): the literal's top-level keys.
        jm = re.match(r"&?\s*(?:serde_json::)?json!\s*\(\s*\{", text)
        if jm:
            j_open = masked.index("{", a + masked[a:b].index("json!"))
            j_close = matching(masked, j_open)
            keys = []
            for fa, fb in split_top(masked, j_open + 1, j_close):
                km = re.match(r'\s*"[^"]*"\s*:', masked[fa:fb])
                if not km:
                    raise RustParseError(f"{sf.path.name}: unreadable json! member {src[fa:fb]!r}")
                keys.append(string_value(src, fa, fa + km.end() - 1))
            return Sent(keys, "json!(" + " ".join(src[j_open : j_close + 1].split()) + ")")
        # An identifier: a parameter of the enclosing fn (`params: &RunListParams`) or a local
        # bound to a struct literal (`let params = RunListParams { ... }`).
        im = re.fullmatch(r"&?\s*(\w+)", text)
        if im:
            ident = im.group(1)
            fn_name, pa, pb = self._enclosing_fn(masked, call_at)
            for qa, qb in split_top(masked, pa, pb):
                pm = re.fullmatch(rf"\s*(?:mut\s+)?{ident}\s*:\s*(.+?)\s*", src[qa:qb], re.S)
                if pm:
                    return Sent(self.struct_names(sf, type_name(pm.group(1))), type_name(pm.group(1)))
            lm = None
            for lm in re.finditer(rf"\blet\s+(?:mut\s+)?{ident}\s*=\s*([A-Z]\w*)\s*\{{", masked[pb:call_at]):
                pass
            if lm:
                return Sent(self.struct_names(sf, lm.group(1)), lm.group(1))
            raise RustParseError(f"{sf.path.name}: fn {fn_name}: cannot find the type of {ident!r}")
        raise RustParseError(f"{sf.path.name}: cannot read what is sent: {src[a:b]!r}")


def type_name(type_text: str) -> str:
    """``&'a RunListParams`` / ``&RunListParams`` / ``Box<X>`` -> the struct's name."""
    t = re.sub(r"&\s*('\w+\s+)?(mut\s+)?", "", type_text).strip()
    m = re.fullmatch(r"(?:\w+::)*(\w+)(?:<.*>)?", t)
    if not m:
        raise RustParseError(f"unreadable type {type_text!r}")
    return m.group(1)
