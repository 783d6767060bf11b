"""API docs: every public name of the package has a docstring that help() shows, and the
stubs (_twin.pyi) carry the same docstrings as the native module, so editors show them too."""

from __future__ import annotations

import ast
import inspect
import pathlib
from typing import Any, Iterator

import pytest

import twin
import twin._async
import twin._twin

STUB = pathlib.Path(twin.__file__).with_name("_twin.pyi")
MODULES = [twin, twin.webhooks, twin.cron, twin.testing]


def public_names() -> Iterator[tuple[str, Any]]:
    for module in MODULES:
        yield module.__name__, module
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or isinstance(obj, (str, int, float)):
                continue
            yield f"{module.__name__}.{name}", obj
            if inspect.isclass(obj):
                yield from members(f"{module.__name__}.{name}", obj)
    client = twin.Client(api_key="k", base_url="http://127.0.0.1:9")
    for resource in ("api_keys", "workspaces", "agents", "runs", "events", "webhooks", "schedules", "instructions"):
        cls = type(getattr(client, resource))
        yield cls.__name__, cls
        yield from members(cls.__name__, cls)
    for cls in (twin._async.AsyncPager, twin._async.AsyncFollow):
        yield cls.__name__, cls
        yield from members(cls.__name__, cls)
    for name in dir(twin.AsyncClient(api_key="k", base_url="http://127.0.0.1:9")):
        if not name.startswith("_") and name not in vars(twin.AsyncClient):
            resource = type(getattr(twin.AsyncClient(api_key="k", base_url="http://127.0.0.1:9"), name))
            yield resource.__name__, resource
            yield from members(resource.__name__, resource)


def members(qualname: str, cls: type) -> Iterator[tuple[str, Any]]:
    for name, value in vars(cls).items():
        if not name.startswith("_"):
            yield f"{qualname}.{name}", value


@pytest.mark.parametrize("name,obj", list(public_names()), ids=lambda x: x if isinstance(x, str) else "")
def test_every_public_name_has_a_docstring(name: str, obj: Any) -> None:
    doc = inspect.getdoc(obj)
    assert doc and doc.strip(), f"{name} has no docstring"


def stub_items() -> Iterator[tuple[str, Any, ast.AST]]:
    tree = ast.parse(STUB.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            native = getattr(twin._twin, node.name, None)
            yield node.name, native, node
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                    attr = inspect.getattr_static(native, item.name, None) if native is not None else None
                    yield f"{node.name}.{item.name}", attr, item
        elif isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            yield node.name, getattr(twin._twin, node.name), node


def normal(text: str) -> str:
    return " ".join(inspect.cleandoc(text).split())


@pytest.mark.parametrize("name,native,node", list(stub_items()), ids=lambda x: x if isinstance(x, str) else "")
def test_the_stubs_carry_the_docstrings(name: str, native: Any, node: Any) -> None:
    stub_doc = ast.get_docstring(node)
    assert stub_doc, f"_twin.pyi: {name} has no docstring"
    runtime = getattr(native, "__doc__", None) if native is not None and not isinstance(native, type) else None
    if runtime and not name.startswith("_"):
        assert normal(stub_doc) == normal(runtime), name


def test_help_shows_the_docs() -> None:
    import pydoc

    text = pydoc.render_doc(twin.Run, renderer=pydoc.plaintext)
    assert "A run of an agent" in text
    assert "Waits until the run is terminal or paused" in text
    assert "A UUIDv7." in pydoc.render_doc(twin.Agent, renderer=pydoc.plaintext)
    assert "you do not have access" in pydoc.render_doc(twin.Problem, renderer=pydoc.plaintext)
