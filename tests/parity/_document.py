"""The live service's own OpenAPI document (tests/vectors/real/openapi.json), read as the
oracle: its operations, their path/query parameters, request-body fields and 2xx response
schemas, every ``$ref`` resolved."""

from __future__ import annotations

import copy
import json
import pathlib
from dataclasses import dataclass, field
from typing import Any, Optional

ROOT = pathlib.Path(__file__).resolve().parents[2]
DOCUMENT_PATH = ROOT / "tests" / "vectors" / "real" / "openapi.json"
LIVE_CALLS_PATH = ROOT / "tests" / "vectors" / "real" / "live-calls.json"

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def load() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))
    return doc


def live_calls() -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = json.loads(LIVE_CALLS_PATH.read_text(encoding="utf-8"))["calls"]
    return calls


def resolve(doc: dict[str, Any], node: Any, _seen: tuple[str, ...] = ()) -> Any:
    """``node`` with every ``$ref`` (local, ``#/...``) replaced by what it points at; a cycle
    is an error (this document has none; a generator could not expand one anyway)."""
    if isinstance(node, dict):
        if "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise ValueError(f"non-local $ref {ref!r}")
            if ref in _seen:
                raise ValueError(f"$ref cycle through {ref!r}")
            target: Any = doc
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            out = resolve(doc, copy.deepcopy(target), _seen + (ref,))
            if rest:  # OpenAPI 3.1 allows siblings of $ref: they apply too
                out = {"allOf": [out, resolve(doc, rest, _seen)]}
            return out
        return {k: resolve(doc, v, _seen) for k, v in node.items()}
    if isinstance(node, list):
        return [resolve(doc, v, _seen) for v in node]
    return node


@dataclass
class Param:
    name: str
    where: str  # "path" | "query" | "header" | "cookie"
    required: bool
    schema: dict[str, Any]


@dataclass
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # as in the document, e.g. /v1/agents/{agent_id}/runs
    params: list[Param]
    body_schema: Optional[dict[str, Any]]  # resolved; None when the operation takes no body
    body_required: list[str]
    responses: dict[str, Optional[dict[str, Any]]]  # 2xx status -> resolved schema (None: no body)
    raw: dict[str, Any] = field(repr=False)

    @property
    def key(self) -> str:
        return f"{self.operation_id} ({self.method} {self.path})"

    def names(self, where: str) -> list[str]:
        return [p.name for p in self.params if p.where == where]

    @property
    def body_fields(self) -> list[str]:
        if self.body_schema is None:
            return []
        return sorted(object_properties(self.body_schema))

    @property
    def segments(self) -> list[Optional[str]]:
        """The path as segments, a parameter as None (``/v1/agents/{id}`` -> v1, agents, None)."""
        return [None if s.startswith("{") else s for s in self.path.strip("/").split("/")]


def object_properties(schema: dict[str, Any]) -> dict[str, Any]:
    """The properties of an object schema, through allOf/oneOf/anyOf branches."""
    props: dict[str, Any] = dict(schema.get("properties", {}))
    for key in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(key, []):
            props.update(object_properties(sub))
    return props


def operations(doc: Optional[dict[str, Any]] = None) -> list[Operation]:
    doc = doc if doc is not None else load()
    ops: list[Operation] = []
    for path, item in doc["paths"].items():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            params = []
            for p in resolve(doc, shared + op.get("parameters", [])):
                params.append(Param(p["name"], p["in"], bool(p.get("required")), p.get("schema", {})))
            body_schema = None
            body_required: list[str] = []
            if "requestBody" in op:
                rb = resolve(doc, op["requestBody"])
                content = rb.get("content", {})
                media = content.get("application/json") or next(iter(content.values()))
                body_schema = media.get("schema", {})
                body_required = list(body_schema.get("required", []))
            responses: dict[str, Optional[dict[str, Any]]] = {}
            for status, resp in op.get("responses", {}).items():
                if not str(status).startswith("2"):
                    continue
                resp = resolve(doc, resp)
                content = resp.get("content") or {}
                if not content:
                    responses[str(status)] = None
                    continue
                media = content.get("application/json") or next(iter(content.values()))
                responses[str(status)] = media.get("schema", {})
            ops.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=path,
                    params=params,
                    body_schema=body_schema,
                    body_required=body_required,
                    responses=responses,
                    raw=op,
                )
            )
    return ops
