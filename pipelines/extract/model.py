"""What extraction produces: the public ``gongkai extract --json`` record and its parts.

These small frozen data classes are the boundary between the pure extraction engine and the
rest of the pipeline (Dagster assets, the warehouse, ``gongkai eval``). Their JSON form is a
public interface, documented in the README; keep it stable.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Literal

CellKind = Literal["number", "empty", "dash", "text"]
Blame = Literal["publisher", "reading"]
Severity = Literal["error", "warning", "info"]
Method = Literal["table", "prose", "constraint"]
DocumentKind = Literal["annual_report", "work_plan", "task_list", "notice", "other"]


@dataclass(frozen=True)
class Body:
    """The publishing body as far as the document tells it."""

    name: str | None = None
    region_code: str | None = None
    level: str | None = None  # province | city | county | township
    type: str | None = None  # government | office | department | special_zone


@dataclass(frozen=True)
class Finding:
    """A consistency rule that failed, or a reason a document could not be read.

    ``blame="publisher"``: the document's own printed numbers disagree (kept, shown).
    ``blame="reading"``: we could not read it consistently (quarantined, never published).
    ``detail`` (JSON text, ``""`` when none) is what a reviewer needs to settle it
    (:mod:`pipelines.review`): ``candidates`` (a list of readings, each ``{key: value}``, the
    engine found possible), and where it was read (``table``, ``row``, ``line``, ``tokens``,
    ``sentence``, ``value``). Text rather than a dict keeps the finding hashable and frozen.
    """

    rule: str
    severity: Severity
    keys: tuple[str, ...]
    message: str
    blame: Blame
    detail: str = ""

    def to_json(self) -> dict:
        """JSON form of the extract contract (``detail`` only when the finding has one)."""
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "keys": list(self.keys),
            "message": self.message,
            "blame": self.blame,
        }
        if self.detail:
            out["detail"] = json.loads(self.detail)
        return out


def detail(**fields: object) -> str:
    """A finding's ``detail`` as canonical JSON text (sorted keys, Chinese kept readable)."""
    return json.dumps({k: v for k, v in fields.items() if v is not None}, ensure_ascii=False,
                      sort_keys=True)


@dataclass
class Extraction:
    """Everything read from one document.

    ``values`` holds exactly what the document prints (blank/dash/text cells as 0, with their
    kind in ``cells``); a figure the document does not give is absent, never 0.
    ``provenance[key]`` says where and how: ``{"method": "table"|"prose"|"constraint",
    "reader": container, "table": "三", "row": label, "column": label, "page": n,
    "span": [start, end]}`` (the fields that apply).
    ``document_kind`` says what the document is (:mod:`pipelines.extract.kind`): only an
    ``annual_report`` is read for figures; a work plan, task list, notice or other document is
    listed with its title and one finding saying so.
    """

    source: str
    sha256: str
    container: str = "unknown"
    body: Body = field(default_factory=Body)
    year: int | None = None
    template: str | None = None  # "2021" | "2019" | "pre2019" | None when unknown
    published: str | None = None  # ISO date of publication where the document gives it
    title: str | None = None
    values: dict[str, int | float] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    provenance: dict[str, dict] = field(default_factory=dict)
    document_kind: DocumentKind = "annual_report"

    @property
    def readable(self) -> bool:
        """False when a reading-blamed error means the values must not be published."""
        return not any(f.blame == "reading" and f.severity == "error" for f in self.findings)

    def to_json(self) -> dict:
        """The public ``extract --json`` object."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "document_kind": self.document_kind,
            "container": self.container,
            "body": asdict(self.body),
            "year": self.year,
            "template": self.template,
            "published": self.published,
            "title": self.title,
            "values": self.values,
            "cells": self.cells,
            "findings": [f.to_json() for f in self.findings],
            "provenance": self.provenance,
        }

    @classmethod
    def from_json(cls, d: dict) -> Extraction:
        """Inverse of :meth:`to_json` (used by the extraction cache)."""
        return cls(
            source=d["source"],
            sha256=d["sha256"],
            container=d.get("container", "unknown"),
            body=Body(**(d.get("body") or {})),
            year=d.get("year"),
            template=d.get("template"),
            published=d.get("published"),
            title=d.get("title"),
            values=dict(d.get("values") or {}),
            cells=dict(d.get("cells") or {}),
            findings=[
                Finding(f["rule"], f["severity"], tuple(f["keys"]), f["message"], f["blame"],
                        detail(**f["detail"]) if f.get("detail") else "")
                for f in d.get("findings") or []
            ],
            provenance=dict(d.get("provenance") or {}),
            document_kind=d.get("document_kind", "annual_report"),
        )
