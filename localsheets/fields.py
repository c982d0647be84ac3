"""The `fields` system parameter: return only the parts of a response that were asked for.

Syntax as Google documents it: `a,b/c,d(e,f)`; `.` nests like `/`; `*` is all.
"""


def parse(text):
    """`sheets(properties(title)),spreadsheetId` -> {"sheets": {"properties": {"title": {}}}, "spreadsheetId": {}}"""
    tree, _ = _parse(text.replace(" ", ""), 0)
    return tree


def _parse(text, i):
    tree = {}
    while i < len(text):
        start = i
        while i < len(text) and text[i] not in ",()":
            i += 1
        path = [p for p in text[start:i].replace(".", "/").split("/") if p]
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        if i < len(text) and text[i] == "(":
            sub, i = _parse(text, i + 1)
            _merge(node, sub)
        if i < len(text) and text[i] == ")":
            return tree, i + 1
        i += 1  # past a comma
    return tree, i


def _merge(into, other):
    for key, value in other.items():
        _merge(into.setdefault(key, {}), value)


def select(value, tree):
    if not tree or "*" in tree:
        return value
    if isinstance(value, list):
        return [select(v, tree) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: select(value[k], sub) for k, sub in tree.items() if k in value}
