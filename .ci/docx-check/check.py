#!/usr/bin/env python3
"""Check every DOCX in a folder against four independent readers.

    .ci/docx-check/.venv/bin/python .ci/docx-check/check.py DIR [--png OUTDIR]

For each DIR/NAME.docx (and its optional DIR/NAME.expect.json):

* openxml-audit (Word-compatibility validator) must report 0 errors;
  warnings are printed but allowed.
* LibreOffice converts it to PDF (all files in one headless call); the
  `pdftotext -layout` text must contain every `pdf_contains` string
  (compared with all whitespace removed on both sides), and every
  `pdf_matches` regular expression must match that text with whitespace
  removed (for what only layout knows, such as a TOC entry's page number),
  and no `pdf_absent` string may be in it (a reader's artefact, say).
* pandoc 3.9 (from pypandoc-binary) reads it into its JSON AST: every
  `headings` entry must be a Header of that level (level 0 = the Title
  style, which pandoc reads as the document title), every `list_items`
  string must be in a list item, every `table_cells` string in a table cell,
  every `footnotes` string in a footnote.
* python-docx: for every heading level L >= 1 expected, a paragraph with
  style `Heading L` containing the heading text; for level 0, a paragraph
  with style `Title`.

expect.json (all keys optional):
    {"headings": [{"level": 0, "text": "Operations Staff Policy"},
                  {"level": 1, "text": "General provisions"}],
     "list_items": ["..."], "table_cells": ["..."], "footnotes": ["..."],
     "pdf_contains": ["1 General provisions"]}

The last line printed is `docx-check: N passed, M failed`; the exit code is 1
if any file failed or DIR holds no .docx, else 0.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

KNOWN_KEYS = ("headings", "list_items", "table_cells", "footnotes", "pdf_contains", "pdf_matches", "pdf_absent",
              "insertions", "deletions", "author")
DEFAULT_LO_TIMEOUT = 300  # seconds for the one LibreOffice call over all files
MAX_LISTED = 8  # how many found elements a failure message shows


# --------------------------------------------------------------------------
# text normalisation


_MD_NOISE = re.compile(r"[*_\\`]")
_WS = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))


def norm(text: str) -> str:
    """For pandoc/python-docx text: no Markdown emphasis/escapes, one space."""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _MD_NOISE.sub("", text)
    return _WS.sub(" ", text).strip()


def squash(text: str) -> str:
    """For PDF text: NFKC (ligatures, full-width forms) and no whitespace at all."""
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    return _WS.sub("", text)


def short(text: str, limit: int = 80) -> str:
    text = _WS.sub(" ", text).strip()
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)


def nearest(expected: str, candidates: list[str], n: int = 2) -> list[str]:
    """The candidates most like `expected` (already normalised), best first."""
    scored = []
    for cand in set(candidates):
        sm = difflib.SequenceMatcher(None, expected, cand, autojunk=False)
        if sm.real_quick_ratio() < 0.2:
            continue
        scored.append((sm.ratio(), cand))
    scored.sort(key=lambda x: -x[0])
    return [c for r, c in scored[:n] if r >= 0.3]


def listing(items: list[str]) -> str:
    if not items:
        return "none"
    shown = ", ".join(short(i, 60) for i in items[:MAX_LISTED])
    more = len(items) - MAX_LISTED
    return f"{shown}{f', … ({more} more)' if more > 0 else ''}"


# --------------------------------------------------------------------------
# per-file bookkeeping


@dataclass
class FileReport:
    name: str
    docx: Path | None
    expect: dict = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)  # in check order: summaries, warnings, failures
    n_failures: int = 0
    pdf: Path | None = None

    def warn(self, check: str, msg: str) -> None:
        self.lines.append(f"  warn [{check}] {msg}")

    def fail(self, check: str, msg: str) -> None:
        self.lines.append(f"  FAIL [{check}] {self.name}: {msg}")
        self.n_failures += 1

    def mark(self) -> tuple[int, int]:
        """Call at the start of a check; pass the result to summary()."""
        return len(self.lines), self.n_failures

    def summary(self, check: str, msg: str, mark: tuple[int, int]) -> None:
        """The check's one-line summary, placed before its warnings and failures."""
        status = "ok  " if self.n_failures == mark[1] else "FAIL"
        self.lines.insert(mark[0], f"  {status} [{check}] {msg}")

    @property
    def passed(self) -> bool:
        return self.n_failures == 0


def load_expect(path: Path, rep: FileReport) -> None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        rep.fail("expect.json", f"cannot read {path.name}: {exc}")
        return
    if not isinstance(data, dict):
        rep.fail("expect.json", f"{path.name} must hold a JSON object, not {type(data).__name__}")
        return
    for key in data:
        if key not in KNOWN_KEYS:
            rep.fail("expect.json", f"unknown key {key!r} in {path.name} (known: {', '.join(KNOWN_KEYS)})")
    clean: dict = {}
    # The one scalar: who must have made every tracked change.
    author = data.get("author")
    if author is not None and not isinstance(author, str):
        rep.fail("expect.json", f"'author' must be a string in {path.name}")
    clean["author"] = author if isinstance(author, str) else None
    for key in KNOWN_KEYS:
        if key == "author":
            continue
        value = data.get(key, [])
        if not isinstance(value, list):
            rep.fail("expect.json", f"{key!r} must be a list in {path.name}")
            continue
        items = []
        for i, item in enumerate(value):
            if key == "headings":
                ok = (
                    isinstance(item, dict)
                    and set(item) <= {"level", "text"}
                    and isinstance(item.get("level"), int)
                    and not isinstance(item.get("level"), bool)
                    and 0 <= item["level"] <= 9
                    and isinstance(item.get("text"), str)
                    and norm(item["text"])
                )
                if not ok:
                    rep.fail("expect.json", f"headings[{i}] must be {{\"level\": 0..9, \"text\": non-empty}}, got {item!r}")
                    continue
            elif not (isinstance(item, str) and norm(item)):
                rep.fail("expect.json", f"{key}[{i}] must be a non-empty string, got {item!r}")
                continue
            items.append(item)
        clean[key] = items
    rep.expect = clean


# --------------------------------------------------------------------------
# openxml-audit


_VALIDATOR = None


def check_audit(rep: FileReport) -> None:
    global _VALIDATOR
    from openxml_audit import FileFormat, OpenXmlValidator, ValidationSeverity

    mark = rep.mark()
    try:
        if _VALIDATOR is None:  # building one takes about a second: share it
            _VALIDATOR = OpenXmlValidator(file_format=FileFormat.OFFICE_2019, max_errors=0)
        result = _VALIDATOR.validate(rep.docx)
    except Exception as exc:  # noqa: BLE001 - a crash in the validator is a finding too
        rep.fail("openxml-audit", f"validator crashed: {type(exc).__name__}: {exc}")
        return

    def describe(e) -> str:
        where = e.part_uri or "package"
        if e.path:
            where += f" {e.path}"
        if e.node:
            where += f" <{e.node}>"
        return f"{e.severity.value} [{e.error_type.value}] {where}: {e.description}"

    errors = [e for e in result.errors if e.severity == ValidationSeverity.ERROR]
    others = [e for e in result.errors if e.severity != ValidationSeverity.ERROR]
    for e in others[:20]:
        rep.warn("openxml-audit", describe(e))
    if len(others) > 20:
        rep.warn("openxml-audit", f"… and {len(others) - 20} more warnings")
    for e in errors[:20]:
        rep.fail("openxml-audit", describe(e))
    if len(errors) > 20:
        rep.fail("openxml-audit", f"… and {len(errors) - 20} more errors")
    msg = f"{len(errors)} errors, {len(others)} warnings"
    if errors:
        try:
            from openxml_audit import predict

            msg += f" ({predict(result).headline})"
        except Exception:  # noqa: BLE001
            pass
    rep.summary("openxml-audit", msg, mark)


# --------------------------------------------------------------------------
# pandoc JSON AST


def inline_text(inlines: list, out: list[str]) -> None:
    for x in inlines:
        t, c = x.get("t"), x.get("c")
        if t == "Str":
            out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
            inline_text(c, out)
        elif t == "Quoted":
            q = '"' if c[0].get("t") == "DoubleQuote" else "'"
            out.append(q)
            inline_text(c[1], out)
            out.append(q)
        elif t in ("Cite",):
            inline_text(c[1], out)
        elif t in ("Code", "Math", "RawInline"):
            out.append(c[1])
        elif t in ("Link", "Image", "Span"):
            inline_text(c[1], out)
        # Note: the footnote body is not part of the surrounding text.


def block_text(blocks: list, out: list[str]) -> None:
    for b in blocks:
        t, c = b.get("t"), b.get("c")
        if t in ("Plain", "Para"):
            inline_text(c, out)
        elif t == "Header":
            inline_text(c[2], out)
        elif t == "LineBlock":
            for line in c:
                inline_text(line, out)
                out.append(" ")
        elif t == "CodeBlock":
            out.append(c[1])
        elif t == "BlockQuote":
            block_text(c, out)
        elif t == "BulletList":
            for item in c:
                block_text(item, out)
        elif t == "OrderedList":
            for item in c[1]:
                block_text(item, out)
        elif t == "DefinitionList":
            for term, defs in c:
                inline_text(term, out)
                out.append(" ")
                for d in defs:
                    block_text(d, out)
        elif t == "Table":
            for cell in table_cells(c):
                block_text(cell, out)
                out.append(" ")
        elif t == "Figure":
            block_text(c[2], out)
        elif t == "Div":
            block_text(c[1], out)
        out.append(" ")


def text_of_inlines(inlines: list) -> str:
    out: list[str] = []
    inline_text(inlines, out)
    return norm("".join(out))


def text_of_blocks(blocks: list) -> str:
    out: list[str] = []
    block_text(blocks, out)
    return norm("".join(out))


def table_cells(c: list):
    """Yield each cell's blocks. Table = [attr, caption, colspecs, head, bodies, foot]."""
    _attr, _caption, _colspecs, head, bodies, foot = c
    rows = list(head[1])
    for body in bodies:  # [attr, row head columns, head rows, body rows]
        rows += body[2] + body[3]
    rows += foot[1]
    for row in rows:  # [attr, cells]
        for cell in row[1]:  # [attr, alignment, rowspan, colspan, blocks]
            yield cell[4]


@dataclass
class Ast:
    title: str = ""
    headings: list[tuple[int, str]] = field(default_factory=list)
    list_items: list[str] = field(default_factory=list)
    table_cells: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)

    def walk_blocks(self, blocks: list) -> None:
        for b in blocks:
            t, c = b.get("t"), b.get("c")
            if t == "Header":
                self.headings.append((c[0], text_of_inlines(c[2])))
                self.walk_inlines(c[2])
            elif t in ("Plain", "Para"):
                self.walk_inlines(c)
            elif t == "LineBlock":
                for line in c:
                    self.walk_inlines(line)
            elif t in ("BulletList", "OrderedList"):
                for item in c if t == "BulletList" else c[1]:
                    self.list_items.append(text_of_blocks(item[:1]))
                    self.walk_blocks(item)
            elif t == "DefinitionList":
                for term, defs in c:
                    self.walk_inlines(term)
                    for d in defs:
                        self.walk_blocks(d)
            elif t == "Table":
                self.walk_blocks(c[1][1])  # caption blocks
                for cell in table_cells(c):
                    self.table_cells.append(text_of_blocks(cell))
                    self.walk_blocks(cell)
            elif t == "BlockQuote":
                self.walk_blocks(c)
            elif t == "Figure":
                self.walk_blocks(c[2])
            elif t == "Div":
                self.walk_blocks(c[1])

    def walk_inlines(self, inlines: list) -> None:
        for x in inlines:
            t, c = x.get("t"), x.get("c")
            if t == "Note":
                self.footnotes.append(text_of_blocks(c))
                self.walk_blocks(c)
            elif t in ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps"):
                self.walk_inlines(c)
            elif t in ("Link", "Image", "Span", "Cite"):
                self.walk_inlines(c[1])
            elif t == "Quoted":
                self.walk_inlines(c[1])


def meta_text(value) -> str:
    if not isinstance(value, dict):
        return ""
    t, c = value.get("t"), value.get("c")
    if t == "MetaInlines":
        return text_of_inlines(c)
    if t == "MetaBlocks":
        return text_of_blocks(c)
    if t == "MetaString":
        return norm(c)
    if t == "MetaList":
        return " ".join(meta_text(v) for v in c)
    return ""


def check_pandoc(rep: FileReport, pandoc: str) -> None:
    exp = rep.expect
    wanted = any(exp.get(k) for k in ("headings", "list_items", "table_cells", "footnotes"))
    mark = rep.mark()
    cmd = [pandoc, "-f", "docx", "-t", "json", "--track-changes=accept", str(rep.docx)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        rep.fail("pandoc", "pandoc -f docx did not finish in 120 s")
        return
    if proc.returncode != 0:
        rep.fail("pandoc", f"pandoc -f docx exited {proc.returncode}: {proc.stderr.strip()[:500]}")
        return
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        rep.fail("pandoc", f"pandoc JSON unreadable: {exc}")
        return
    ast = Ast(title=meta_text(doc.get("meta", {}).get("title")))
    ast.walk_blocks(doc.get("blocks", []))
    if not wanted:
        rep.summary("pandoc", f"read: {len(ast.headings)} headings, {len(ast.list_items)} list items, "
                         f"{len(ast.table_cells)} table cells, {len(ast.footnotes)} footnotes (nothing expected)", mark)
        return

    summary = []
    headings = exp.get("headings", [])
    if headings:
        found = 0
        for h in headings:
            level, want = h["level"], norm(h["text"])
            if level == 0:
                if want in ast.title:
                    found += 1
                    continue
                rep.fail("pandoc/headings", f"expected title (level 0) {short(h['text'])}: pandoc's document "
                                            f"title (from the Title style) is {short(ast.title) if ast.title else 'empty'}")
                continue
            same_level = [t for lv, t in ast.headings if lv == level]
            if any(want in t for t in same_level):
                found += 1
                continue
            other = [f"level {lv} {short(t, 60)}" for lv, t in ast.headings if want in t]
            msg = f"expected level-{level} heading {short(h['text'])}: not found"
            if other:
                msg += f"; it is there at {', '.join(other[:3])}"
            else:
                near = nearest(want, [t for _, t in ast.headings])
                if near:
                    msg += f"; nearest heading text: {listing(near)}"
            msg += f"; level-{level} headings found: {listing(same_level)}"
            rep.fail("pandoc/headings", msg)
        summary.append(f"headings {found}/{len(headings)}")

    for key, label, found_items in (
        ("list_items", "list item", ast.list_items),
        ("table_cells", "table cell", ast.table_cells),
        ("footnotes", "footnote", ast.footnotes),
    ):
        wants = exp.get(key, [])
        if not wants:
            continue
        found = 0
        for w in wants:
            nw = norm(w)
            if any(nw in t for t in found_items):
                found += 1
                continue
            msg = f"expected {label} {short(w)}: not found among {len(found_items)} {label}s"
            near = nearest(nw, found_items)
            if near:
                msg += f"; nearest: {listing(near)}"
            elif found_items:
                msg += f"; found: {listing(found_items)}"
            rep.fail(f"pandoc/{key}", msg)
        summary.append(f"{key} {found}/{len(wants)}")
    rep.summary("pandoc", ", ".join(summary), mark)


def tracked_spans(blocks_or_inlines, out: dict) -> None:
    """Collect the text of pandoc's insertion/deletion Spans and their authors."""
    if isinstance(blocks_or_inlines, dict):
        t, c = blocks_or_inlines.get("t"), blocks_or_inlines.get("c")
        if t == "Span" and isinstance(c, list) and len(c) == 2:
            _id, classes, kv = c[0]
            for kind in ("insertion", "deletion"):
                if kind in classes:
                    parts: list[str] = []
                    inline_text(c[1], parts)
                    out[kind].append("".join(parts))
                    out["authors"].update(v for k, v in kv if k == "author")
        tracked_spans(c, out)
    elif isinstance(blocks_or_inlines, list):
        for x in blocks_or_inlines:
            tracked_spans(x, out)


def check_tracked(rep: FileReport, pandoc: str) -> None:
    """Redlines: every expected inserted and deleted text is a tracked change
    when pandoc reads the file with --track-changes=all."""
    exp = rep.expect
    if not (exp.get("insertions") or exp.get("deletions")):
        return
    mark = rep.mark()
    cmd = [pandoc, "-f", "docx", "-t", "json", "--track-changes=all", str(rep.docx)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
        doc = json.loads(proc.stdout)
    except (subprocess.TimeoutExpired, json.JSONDecodeError) as exc:
        rep.fail("pandoc/tracked", f"pandoc --track-changes=all failed: {exc}")
        return
    found = {"insertion": [], "deletion": [], "authors": set()}
    tracked_spans(doc.get("blocks", []), found)
    summary = []
    for key, kind in (("insertions", "insertion"), ("deletions", "deletion")):
        joined = squash("".join(found[kind]))
        wants = exp.get(key, [])
        ok = 0
        for w in wants:
            if squash(w) in joined:
                ok += 1
            else:
                rep.fail(f"pandoc/{key}", f"expected {short(w)} as a tracked {kind}: not found; "
                                          f"{len(found[kind])} {kind}s read, e.g. {listing([short(x, 40) for x in found[kind][:4]])}")
        summary.append(f"{key} {ok}/{len(wants)}")
    author = exp.get("author")
    if author and found["authors"] and found["authors"] != {author}:
        rep.fail("pandoc/tracked", f"expected every change by {author!r}, found {sorted(found['authors'])}")
    rep.summary("pandoc --track-changes=all", ", ".join(summary), mark)


# --------------------------------------------------------------------------
# python-docx


def check_python_docx(rep: FileReport) -> None:
    import docx
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    mark = rep.mark()
    try:
        document = docx.Document(str(rep.docx))
        paras = []
        body = document.element.body
        for p in body.iter(qn("w:p")):
            para = Paragraph(p, document._body)
            name = para.style.name if para.style is not None else None
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            paras.append((name or "", norm(text)))
    except Exception as exc:  # noqa: BLE001 - python-docx failing to read is the finding
        rep.fail("python-docx", f"cannot read: {type(exc).__name__}: {exc}")
        return

    headings = rep.expect.get("headings", [])
    if not headings:
        rep.summary("python-docx", f"opened, {len(paras)} paragraphs", mark)
        return
    used: dict[str, int] = {}
    for name, _ in paras:
        used[name] = used.get(name, 0) + 1
    used_s = ", ".join(f"{k or '(none)'}×{v}" for k, v in sorted(used.items(), key=lambda kv: -kv[1])[:12])
    checked = set()
    for h in headings:
        style = "Title" if h["level"] == 0 else f"Heading {h['level']}"
        want = norm(h["text"])
        styled = [t for n, t in paras if n == style]
        if not styled:
            if style not in checked:
                rep.fail("python-docx", f"expected a paragraph with style {style!r} (for {short(h['text'])}): "
                                        f"none; paragraph styles used: {used_s}")
                checked.add(style)
            continue
        if not any(want in t for t in styled):
            where = [n for n, t in paras if want in t]
            msg = f"expected a {style!r} paragraph containing {short(h['text'])}: "
            msg += f"{style!r} paragraphs are {listing(styled)}"
            if where:
                msg += f"; the text is in paragraph(s) styled {', '.join(repr(w) for w in where[:3])}"
            rep.fail("python-docx", msg)
    styles = sorted({("Title" if h["level"] == 0 else f"Heading {h['level']}") for h in headings})
    rep.summary("python-docx", f"{len(paras)} paragraphs; styles checked: {', '.join(styles)}", mark)


# --------------------------------------------------------------------------
# LibreOffice -> PDF -> text


def find_soffice() -> str | None:
    for cand in ("soffice", "libreoffice"):
        path = shutil.which(cand)
        if path:
            return path
    fallback = "/usr/lib/libreoffice/program/soffice"
    return fallback if os.access(fallback, os.X_OK) else None


def start_libreoffice(docs: list[Path], pdf_dir: Path, profile_dir: Path):
    soffice = find_soffice()
    if soffice is None:
        return None, "soffice not found (run .ci/docx-check/setup)"
    cmd = [
        soffice,
        f"-env:UserInstallation={profile_dir.as_uri()}",
        "--headless", "--invisible", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
        # read every file as Word 2007+ XML: without this, a file that is not a DOCX
        # at all is quietly imported as plain text and still becomes a PDF
        "--infilter=MS Word 2007 XML",
        "--convert-to", "pdf", "--outdir", str(pdf_dir),
        *[str(d.resolve()) for d in docs],
    ]
    # output to a file, not a pipe: nobody reads it until the other checks are done
    log = open(profile_dir.parent / "soffice.log", "w+", encoding="utf-8", errors="replace")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    proc.log, proc.started, proc.ended = log, started, None

    def waiter() -> None:
        proc.wait()
        proc.ended = time.monotonic()

    proc.waiter = threading.Thread(target=waiter, daemon=True)
    proc.waiter.start()
    return proc, None


def finish_libreoffice(proc, deadline: float) -> str:
    """Wait for soffice; returns its output, or raises TimeoutError after killing it."""
    proc.waiter.join(timeout=max(1.0, deadline - time.monotonic()))
    if proc.waiter.is_alive():
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # soffice, oosplash and soffice.bin
        except ProcessLookupError:
            pass
        proc.waiter.join()
        proc.log.close()
        raise TimeoutError
    proc.log.seek(0)
    text = proc.log.read()
    proc.log.close()
    if proc.returncode != 0:
        text += f"\n(soffice exited {proc.returncode})"
    return text.strip()


def check_pdf(rep: FileReport, lo_output: str, png_dir: Path | None) -> None:
    mark = rep.mark()
    if rep.pdf is None or not rep.pdf.exists() or rep.pdf.stat().st_size == 0:
        # soffice names only the files it converted; its errors name no file
        said = []
        for line in lo_output.splitlines():
            line = line.strip()
            if line and not line.startswith("convert ") and "javaldx" not in line and line not in said:
                said.append(line)
        rep.fail("libreoffice", "no PDF produced" + (f"; soffice said: {'; '.join(said)[:500]}" if said else ""))
        return
    proc = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(rep.pdf), "-"],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        rep.fail("libreoffice", f"pdftotext exited {proc.returncode}: {proc.stderr.strip()[:300]}")
        return
    text = proc.stdout
    pages = text.count("\f") or 1
    hay = squash(text)
    wants = rep.expect.get("pdf_contains", [])
    found = 0
    for w in wants:
        sw = squash(w)
        if sw in hay:
            found += 1
            continue
        # show where the longest prefix of the expected text is, to see what differs
        lo, hi = 0, len(sw)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if sw[:mid] in hay:
                lo = mid
            else:
                hi = mid - 1
        if lo >= 2:
            at = hay.find(sw[:lo])
            snippet = hay[max(0, at - 10): at + len(sw) + 20]
            msg = f"longest matching start {short(sw[:lo])}, PDF text there (whitespace removed): {short(snippet, 120)}"
        else:
            msg = f"PDF text starts (whitespace removed): {short(hay[:120], 120)}"
        rep.fail("libreoffice/pdf_contains", f"expected {short(w)} in the PDF text ({pages} pages): not found; {msg}")
    patterns = rep.expect.get("pdf_matches", [])
    for pattern in patterns:
        try:
            hit = re.search(pattern, hay)
        except re.error as exc:
            rep.fail("expect.json", f"pdf_matches {short(pattern)} is not a regular expression: {exc}")
            continue
        if hit:
            found += 1
        else:
            rep.fail("libreoffice/pdf_matches", f"no match for {short(pattern)} in the PDF text ({pages} pages)")
    for w in rep.expect.get("pdf_absent", []):
        if squash(w) in hay:
            at = hay.find(squash(w))
            rep.fail("libreoffice/pdf_absent", f"{short(w)} must not be in the PDF text, but is: {short(hay[max(0, at - 20): at + 40], 100)}")
    wanted = len(wants) + len(patterns)
    rep.summary("libreoffice", f"PDF {pages} page(s), {len(hay)} non-space chars"
                + (f"; pdf_contains {found}/{wanted}" if wanted else ""), mark)

    if png_dir is not None:
        png_dir.mkdir(parents=True, exist_ok=True)
        stem = rep.pdf.stem
        old = re.compile(re.escape(stem) + r"-\d+\.png$")
        for f in png_dir.iterdir():
            if old.match(f.name):
                f.unlink()
        shutil.copyfile(rep.pdf, png_dir / rep.pdf.name)
        (png_dir / f"{stem}.txt").write_text(text, encoding="utf-8")
        r = subprocess.run(["pdftoppm", "-r", "60", "-png", str(rep.pdf), str(png_dir / stem)],
                           capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
        if r.returncode != 0:
            rep.warn("png", f"pdftoppm exited {r.returncode}: {r.stderr.strip()[:300]}")


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", type=Path, help="folder with NAME.docx and NAME.expect.json files")
    ap.add_argument("--png", type=Path, metavar="OUTDIR",
                    help="also write each PDF, its text and its pages as PNG (60 dpi) into OUTDIR")
    ap.add_argument("--lo-timeout", type=float,
                    default=float(os.environ.get("DOCX_CHECK_LO_TIMEOUT", DEFAULT_LO_TIMEOUT)),
                    help=f"seconds for the LibreOffice conversion of all files (default {DEFAULT_LO_TIMEOUT})")
    args = ap.parse_args()
    t0 = time.monotonic()

    if not args.dir.is_dir():
        print(f"docx-check: {args.dir} is not a folder")
        print("docx-check: 0 passed, 0 failed")
        return 1

    docs = sorted(p for p in args.dir.glob("*.docx")
                  if p.is_file() and not p.name.startswith(("~$", ".~lock")))
    reports: list[FileReport] = []
    for d in docs:
        rep = FileReport(name=d.name, docx=d)
        exp = d.with_name(d.stem + ".expect.json")
        if exp.exists():
            load_expect(exp, rep)
        reports.append(rep)
    for exp in sorted(args.dir.glob("*.expect.json")):
        stem = exp.name[: -len(".expect.json")]
        if not (args.dir / f"{stem}.docx").exists():
            rep = FileReport(name=f"{stem}.docx", docx=None)
            rep.fail("files", f"{exp.name} exists but {stem}.docx does not (was it written?)")
            reports.append(rep)

    if not docs:
        for rep in reports:
            print(f"== {rep.name}: FAIL\n" + "\n".join(rep.lines))
        print(f"docx-check: no .docx files in {args.dir}")
        print(f"docx-check: 0 passed, {len(reports)} failed")
        return 1

    import pypandoc

    pandoc = pypandoc.get_pandoc_path()

    with tempfile.TemporaryDirectory(prefix="docx-check-") as tmp:
        tmp_path = Path(tmp)
        pdf_dir = tmp_path / "pdf"
        pdf_dir.mkdir()
        profile = tmp_path / "lo-profile"
        # LibreOffice runs in the background while the other checks use the second core.
        proc, lo_error = start_libreoffice(docs, pdf_dir, profile)
        deadline = time.monotonic() + args.lo_timeout
        for rep in reports:
            if rep.docx is None:
                continue
            check_audit(rep)
            check_pandoc(rep, pandoc)
            check_tracked(rep, pandoc)
            check_python_docx(rep)
        t_others = time.monotonic() - t0
        lo_output = ""
        if proc is not None:
            try:
                lo_output = finish_libreoffice(proc, deadline)
            except TimeoutError:
                lo_error = f"LibreOffice did not finish converting within {args.lo_timeout:.0f} s (killed)"
        lo_secs = (proc.ended or time.monotonic()) - proc.started if proc is not None else 0.0
        for rep in reports:
            if rep.docx is None:
                continue
            if lo_error and proc is None:
                rep.fail("libreoffice", lo_error)
                continue
            rep.pdf = pdf_dir / (rep.docx.stem + ".pdf")
            if lo_error and not rep.pdf.exists():
                rep.fail("libreoffice", lo_error)
                continue
            check_pdf(rep, lo_output, args.png)

    passed = 0
    for rep in reports:
        print(f"== {rep.name}: {'PASS' if rep.passed else 'FAIL'}")
        for line in rep.lines:
            print(line)
        passed += rep.passed
    failed = len(reports) - passed
    if failed:
        print("docx-check: failed files: " + ", ".join(r.name for r in reports if not r.passed))
    if args.png:
        print(f"docx-check: PDFs, texts and PNG pages in {args.png}")
    print(f"docx-check: took {time.monotonic() - t0:.1f} s (LibreOffice conversion {lo_secs:.1f} s, "
          f"in parallel with openxml-audit + pandoc + python-docx {t_others:.1f} s)")
    print(f"docx-check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
