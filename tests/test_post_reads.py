"""Every value our views read straight from a post is listed, with why it is safe to read.

ForbiddenCharactersMiddleware leaves the body of a post to our own views alone: forms check
what they receive (kompas.core.forms.TextCheckMixin) and show the problem beside the field.
A text a view takes from a post without a form goes through `kompas.core.forms.posted_text`
(which hands `request.POST` on whole, so it is not a direct read); a value read directly is
checked by the service it goes to, or only compared or parsed. This test fails on a new direct
read until it is listed here, so that nobody stores a posted text unchecked by accident.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kompas"

# (module, what is read) -> why it is safe. "copy()" is a copy of the whole post.
LISTED = {
    ("kompas.assessments.evidence_views", "kind"): "only compared with 'link'",
    ("kompas.assessments.evidence_views", "url"): "evidence_add_link checks it",
    ("kompas.assessments.evidence_views", "title"): "evidence_add_link checks it",
    ("kompas.assessments.views", "plan"): "signed by us; anything else is a BadSignature",
    ("kompas.assessments.views", "domain"): "only looked up among the framework's domain codes",
    ("kompas.exports.views", "ticket"): "signed by us; anything else is refused as forged",
    ("kompas.frameworks.platform_views", "ticket"): "signed by us; anything else is refused",
    ("kompas.boards.views", "shares_named_results"): "only compared with 'on'",
    ("kompas.boards.views", "board"): "used only when it is all digits",
    ("kompas.monitoring.views", "close"): "only compared with '1'",
    ("kompas.monitoring.service_views", "copy()"): "the copy goes back into the form",
}


def direct_reads(path: Path, *, root: Path = ROOT) -> set[tuple[str, str]]:
    """(module, key) for each `request.POST.get("key")`, `request.POST["key"]` and the like."""
    module = ".".join(path.relative_to(root).with_suffix("").parts)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = set()
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr == "POST"
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
        ):
            continue
        parent = parents[node]
        key: ast.expr
        if isinstance(parent, ast.Subscript):
            key = parent.slice
        elif isinstance(parent, ast.Attribute) and isinstance(call := parents[parent], ast.Call):
            if parent.attr == "copy":
                found.add((module, "copy()"))
                continue
            key = call.args[0] if call.args else ast.Constant(f"{parent.attr}()")
        else:
            continue  # handed on whole, to a form
        found.add((module, str(key.value) if isinstance(key, ast.Constant) else "?"))
    return found


def all_direct_reads() -> set[tuple[str, str]]:
    files = [
        path
        for path in PACKAGE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]
    return {read for path in files for read in direct_reads(path)}


def test_every_direct_read_of_a_post_is_listed_with_its_reason():
    assert sorted(all_direct_reads() - set(LISTED)) == []


def test_the_list_holds_no_read_that_is_gone():
    assert sorted(set(LISTED) - all_direct_reads()) == []


def test_the_scan_finds_reads_of_every_kind(tmp_path):
    view = tmp_path / "kompas" / "views.py"
    view.parent.mkdir()
    view.write_text(
        "def view(request):\n"
        "    form = Form(request.POST or None)\n"
        "    a = request.POST.get('a', '')\n"
        "    b = request.POST['b']\n"
        "    c = request.POST.getlist('c')\n"
        "    d = request.POST.copy()\n"
    )

    found = direct_reads(view, root=tmp_path)

    assert found == {("kompas.views", key) for key in ("a", "b", "c", "copy()")}
