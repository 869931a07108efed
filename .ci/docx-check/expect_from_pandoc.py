#!/usr/bin/env python3
"""What a reader must find in a converted Markdown file, as pandoc reads the source.

    .ci/docx-check/.venv/bin/python .ci/docx-check/expect_from_pandoc.py FILE.md > FILE.expect.json

pandoc (gfm with YAML front matter) reads FILE.md; its title, headings, list
items, table cells and footnotes become an expect.json for check.py, so that
pandoc's reading of our DOCX is checked against pandoc's reading of the
source. Raw HTML blocks are read with pandoc's HTML reader, as pandoc would
read them into a document: an HTML table's cells are table cells.
"""

import json, os, subprocess, sys


def pandoc_path() -> str:
    if os.environ.get("PANDOC"):
        return os.environ["PANDOC"]
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except Exception:
        return "pandoc"


P = pandoc_path()
def pandoc(fmt, text):
    return json.loads(subprocess.run([P, "-f", fmt, "-t", "json"], input=text, capture_output=True, text=True, check=True).stdout)
def inl(xs):
    out = []
    for x in xs:
        t, c = x["t"], x.get("c")
        if t == "Str": out.append(c)
        elif t in ("Space", "SoftBreak", "LineBreak"): out.append(" ")
        elif t in ("Emph", "Strong", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Underline"): out.append(inl(c))
        elif t == "Code": out.append(c[1])
        elif t in ("Link", "Image"): out.append(inl(c[1]))
        elif t == "Span": out.append(inl(c[1]))
        elif t == "Quoted": out.append(inl(c[1]))
        elif t == "Note": pass
        elif t == "RawInline" and c[1].lower().startswith("<br"): out.append(" ")
    return "".join(out)
def btext(bs):
    return " ".join(inl(b["c"]) if b["t"] in ("Para", "Plain") else "" for b in bs).strip()
exp = {"headings": [], "list_items": [], "table_cells": [], "footnotes": [], "pdf_contains": []}
def notes(xs):
    for x in xs:
        if x["t"] == "Note": exp["footnotes"].append(btext(x["c"]))
        elif isinstance(x.get("c"), list):
            for c in x["c"]:
                if isinstance(c, list): notes([y for y in c if isinstance(y, dict)])
def cells(table):
    _, _, _, head, bodies, _ = table
    rows = head[1] + [r for b in bodies for r in b[2] + b[3]]
    for r in rows:
        for cell in r[1]:
            t = btext(cell[4])
            if t: exp["table_cells"].append(t)
def walk(blocks):
    for b in blocks:
        t, c = b["t"], b.get("c")
        if t == "Header": exp["headings"].append({"level": c[0], "text": inl(c[2])})
        elif t in ("Para", "Plain"): notes(c)
        elif t == "BlockQuote": walk(c)
        elif t in ("BulletList", "OrderedList"):
            items = c if t == "BulletList" else c[1]
            for item in items:
                exp["list_items"].append(btext(item[:1]))
                for b2 in item:
                    if b2["t"] in ("Para", "Plain"): notes(b2["c"])
        elif t == "Table": cells(c)
        # Raw HTML as pandoc's HTML reader reads it.
        elif t == "RawBlock" and c[0] == "html": walk(pandoc("html", c[1])["blocks"])
src = open(sys.argv[1], encoding="utf-8").read()
doc = pandoc("gfm+yaml_metadata_block", src)
title = inl(doc["meta"]["title"]["c"]) if "title" in doc["meta"] else None
if title: exp["headings"].insert(0, {"level": 0, "text": title})
# The title block prints: title, authors and date.
meta = doc["meta"]
authors = meta.get("author", {})
authors = authors.get("c", []) if authors.get("t") == "MetaList" else [authors] if authors else []
exp["pdf_contains"] = [t for t in [title] + [inl(a["c"]) for a in authors] + [inl(meta["date"]["c"]) if "date" in meta else None] if t]
walk(doc["blocks"])
print(json.dumps({k: v for k, v in exp.items() if v}, ensure_ascii=False, indent=2))
