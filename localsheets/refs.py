"""Formulas follow the grid: references move when rows, columns or tabs do.

As in Google Sheets: inserting rows above a reference moves it down, and a
range grows when rows go in inside it; deleting the rows a reference points at
makes it `#REF!`; renaming a tab renames it in every formula; deleting a tab
makes references to it `#REF!`. A formula moved by a sort keeps pointing at
its own row (its relative references move with it).
https://support.google.com/docs/answer/46977
"""
import dataclasses

from localsheets import formula


def _formulas(doc, about=None):
    """Every formula cell; with `about` (a tab's title), only those that may refer to it:
    on that tab, or naming it (a quick look before the tokenizer's careful one)."""
    needle = about.casefold() if about is not None else None
    for sheet in doc["sheets"]:
        here = needle is None or sheet["properties"]["title"].casefold() == needle
        for row in sheet["cells"]:
            for cell in row:
                if cell and "f" in cell and (here or needle in cell["f"].casefold().replace("''", "'")):
                    yield sheet, cell


def _points_at(ref, home, target_title):
    name = ref.sheet if ref.sheet is not None else home["properties"]["title"]
    return name.casefold() == target_title.casefold()


def dimension_changed(doc, sheet, dimension, start, count):
    """Rows or columns [start, start+|count|) were inserted (count > 0) or deleted (count < 0)."""
    title = sheet["properties"]["title"]
    lo_name, hi_name = ("r0", "r1") if dimension == "ROWS" else ("c0", "c1")

    def change(ref, home):
        if not _points_at(ref, home, title):
            return ref
        lo, hi = getattr(ref, lo_name), getattr(ref, hi_name)
        if lo is None and hi is None:
            return ref  # a whole column when rows change, or a whole row when columns do
        lo = 0 if lo is None else lo
        if count > 0:
            new_lo = lo + count if lo >= start else lo
            new_hi = None if hi is None else (hi + count if hi > start else hi)
        else:
            end = start - count
            new_lo = lo if lo < start else (start if lo < end else lo + count)
            new_hi = None if hi is None else (hi if hi <= start else (start if hi <= end else hi + count))
            if new_hi is not None and new_hi <= new_lo:
                return None
        if getattr(ref, lo_name) is None:
            new_lo = None
        return dataclasses.replace(ref, **{lo_name: new_lo, hi_name: new_hi})

    for home, cell in _formulas(doc, about=title):
        cell["f"] = formula.rewrite_refs(cell["f"], lambda ref, home=home: change(ref, home))


def tab_renamed(doc, old, new):
    for _, cell in _formulas(doc, about=old):
        cell["f"] = formula.rewrite_refs(cell["f"], lambda ref: dataclasses.replace(ref, sheet=new)
                                         if ref.sheet is not None and ref.sheet.casefold() == old.casefold()
                                         else ref)


def tab_deleted(doc, title):
    for _, cell in _formulas(doc, about=title):
        cell["f"] = formula.rewrite_refs(cell["f"], lambda ref: None
                                         if ref.sheet is not None and ref.sheet.casefold() == title.casefold()
                                         else ref)


def moved(cell, rows):
    """A formula cell moved `rows` down (up when negative): its relative row references follow."""
    if not cell or "f" not in cell or rows == 0:
        return cell

    def change(ref):
        if ref.r0 is None:
            return ref
        abs_r0, abs_r1 = ref.abs_flags[1], ref.abs_flags[3]
        r0 = ref.r0 if abs_r0 else ref.r0 + rows
        r1 = ref.r1
        if r1 is not None and not abs_r1:
            r1 += rows
        if r0 < 0 or (r1 is not None and r1 <= 0):
            return None
        return dataclasses.replace(ref, r0=r0, r1=r1)

    return {**cell, "f": formula.rewrite_refs(cell["f"], change)}
