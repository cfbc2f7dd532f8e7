"""The stages in order: the embedded default runs a document through here in one
process; the queue workers call the same functions one stage per message.
"""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.attachments import CONTAINERS, attachments_of
from pipeline.chunk import chunk
from pipeline import confidence
from pipeline.config import Settings
from pipeline.export import PIPELINE_VERSION, export
from pipeline.extract import build_extractors, extract
from pipeline.errors import DocloopError
from pipeline.extractors.base import Extractor
from pipeline.ground import ground
from pipeline.ingest import ingest
from pipeline.prompting import PromptConfig
from pipeline.prompts import assign, serving
from pipeline.route import route
from pipeline.sandbox import run_isolated
from pipeline.score import Scorer, score
from pipeline.state import DocStatus, DocumentState, ParsedDocument
from pipeline.store import Store, run_key
from pipeline.schemas import get_schema
from pipeline.telemetry import stage
from pipeline.telemetry.stages import document
from pipeline.stages import AUTO, classify_if_auto, next_step, parse_step, settle_schema, with_schema

# how deep attachments of attached messages are read; each level re-reads the bytes of all levels
# below it, so a deep nest of forwarded messages would cost the square of its size
MAX_NESTING = 3


@dataclass
class Pipeline:
    """Everything a run needs, built once: settings, extractors, scorer, store."""

    settings: Settings
    extractor_names: list[str] = field(default_factory=lambda: ["rules", "llm"])
    store: Store | None = None
    scorer: Scorer | None = None
    thresholds: dict[str, dict[str, float]] = field(default_factory=dict)  # schema -> field -> threshold
    hints: dict[str, Any] = field(default_factory=dict)
    prompt: PromptConfig = field(default_factory=PromptConfig)  # the active prompt/program version
    trials: list[tuple[PromptConfig, float]] = field(default_factory=list)  # A/B candidates, share of traffic
    extractor_options: dict[str, Any] = field(default_factory=dict)  # to the constructors that take them
    _extractors: dict[str, list[Extractor]] = field(default_factory=dict)

    @property
    def extractors(self) -> list[Extractor]:
        return self.extractors_for(self.prompt)

    def extractors_for(self, prompt: PromptConfig) -> list[Extractor]:
        if prompt.version not in self._extractors:
            self._extractors[prompt.version] = build_extractors(
                self.extractor_names, self.settings, prompt=prompt, **self.extractor_options
            )
        return self._extractors[prompt.version]

    def prompt_for(self, state: DocumentState) -> PromptConfig:
        """The version this document runs: the active one, or an A/B candidate chosen by content hash."""
        if not self.trials:
            return self.prompt
        return assign(state.sha256, self.prompt, self.trials)

    def prompt_version(self, state: DocumentState) -> str:
        return self.prompt_for(state).version

    def key(self, state: DocumentState) -> str:
        prompt = self.prompt_for(state)
        # the rules extractor reads a version's anchors, so only the built-in default without a model is "none"
        used = "llm" in self.extractor_names or prompt != PromptConfig()
        return run_key(state, PIPELINE_VERSION, prompt.version if used else "none")

    def extract_fields(self, state: DocumentState) -> DocumentState:
        """From a parsed document to routed fields: chunk, extract, ground, score, route."""
        prompt = self.prompt_for(state)
        hints = dict(self.hints.get(state.schema_name) or {})
        if anchors := prompt.anchors.get(state.schema_name):
            hints["anchors"] = anchors
        state = state.model_copy(update={"provenance": dict(state.provenance, prompt_version=prompt.version)})
        state = stage("chunk", chunk, state, self.settings.chunk_chars)
        state = stage("extract", extract, state, self.extractors_for(prompt), get_schema(state.schema_name), self.settings, hints)
        state = stage("ground", ground, state)
        state = stage("score", score, state, self.scorer)
        return stage("route", route, state, self.settings.review_threshold, self.thresholds.get(state.schema_name), self.settings.audit_rate)

    @document
    def process(self, data: bytes, source: str, schema: str) -> DocumentState:
        """One document from bytes to its final state (stored when a store is set), walking
        the steps of :mod:`pipeline.stages` in this process.

        Re-processing the same bytes with the same schema and versions returns the
        stored result instead of extracting again.
        """
        state = stage("ingest", ingest, data, source, schema, self.settings)
        if state.status != DocStatus.failed and schema != AUTO:
            state = with_schema(state, schema)
            done = self._already_done(state)
            if done is not None:
                return done
        steps = {"parse": lambda s: parse_step(s, data, self.settings), "extract": self.extract_fields, "finalise": settle_schema}
        step = next_step(state.stage, state.status, exported=False)
        while step is not None:
            if step == "extract" and schema == AUTO:  # the type is known only now
                done = self._already_done(state)
                if done is not None:
                    return done
            state = steps[step](state)
            step = None if step == "finalise" else next_step(state.stage, state.status, exported=False)
        return self._record(state)

    def process_with_attachments(self, data: bytes, source: str, schema: str, depth: int = 0) -> list[DocumentState]:
        """The document, then each e-mail attachment as its own document linked to it (``parent``),
        each followed by its own attachments when it is a message too (a forwarded e-mail)."""
        parent = self.process(data, source, schema)
        if parent.media_type not in CONTAINERS or parent.status == DocStatus.failed or depth >= MAX_NESTING:
            return [parent]
        try:
            found = run_isolated(attachments_of, data, parent.media_type, timeout_s=self.settings.parse_timeout_s,
                                 memory_mb=self.settings.parse_memory_mb)
        except DocloopError:  # the message itself parsed; its attachments stay unread, as the export says
            found = []
        children, documents = [], []
        for index, (name, content) in enumerate(found, 1):
            child, *descendants = self.process_with_attachments(content, f"{source}#attachment/{index}/{name}", schema, depth + 1)
            children.append(child.model_copy(update={"provenance": dict(child.provenance, parent=parent.id)}))
            documents += [children[-1], *descendants]
        parent = parent.model_copy(update={"provenance": dict(parent.provenance, attachments=[c.id for c in children])})
        return [parent, *documents]

    @document
    def process_parsed(self, parsed: ParsedDocument, source: str, schema: str) -> DocumentState:
        """For documents that come already as text (datasets shipped with OCR)."""
        import hashlib

        digest = hashlib.sha256(parsed.text.encode()).hexdigest()
        state = DocumentState(
            id=digest[:16], source=source, sha256=digest, size=len(parsed.text), media_type="text/plain",
            schema_name=schema, schema_version="", parsed=parsed,
        )
        state = classify_if_auto(with_schema(state, schema) if schema != AUTO else state)
        return self.extract_fields(state)

    def _already_done(self, state: DocumentState) -> DocumentState | None:
        if self.store is None:
            return None
        run_id, created = self.store.claim(state, self.key(state), PIPELINE_VERSION, self.prompt_version(state))
        if created:
            return None
        stored = self.store.load(run_id)
        return stored if stored.status != DocStatus.pending else None

    def _record(self, state: DocumentState) -> DocumentState:
        if self.store is not None:
            run_id, _ = self.store.claim(state, self.key(state), PIPELINE_VERSION, self.prompt_version(state))
            self.store.save(run_id, state, exported=True)
        return state


def build_pipeline(
    settings: Settings,
    extractor_names: list[str] | None = None,
    store: Store | None = None,
    prompt: PromptConfig | None = None,
    extractor_options: dict[str, Any] | None = None,
) -> Pipeline:
    """A pipeline with the newest calibration (the shipped one, overridden by ``home/calibrations``)
    and, with a store, its active prompt version and A/B candidates (``prompt`` overrides both).
    ``extractor_options`` go to the extractors whose constructors take them."""
    scorer = confidence.load([confidence.SHIPPED, settings.home / "calibrations"])
    # memory (learned anchors, kept in settings.home / "memory") proposes nothing until reviews fill it
    names = extractor_names if extractor_names is not None else ["rules", "tables", "memory", "llm"]
    if settings.llm_provider == "none":
        names = [n for n in names if n != "llm"]
    active, trials = (prompt, []) if prompt is not None or store is None else serving(store)
    # What the process has loaded by its first pipeline (modules, schemas, compiled patterns) lives as
    # long as it does; frozen, the collector's full passes stop re-scanning it: they took ~8% of the
    # rules path on PDFs. Once per process (and not where the application froze its own heap).
    if gc.get_freeze_count() == 0:
        gc.freeze()
    return Pipeline(
        settings=settings,
        extractor_names=names,
        store=store,
        scorer=scorer,
        thresholds=scorer.thresholds() if scorer else {},
        prompt=active or PromptConfig(),
        trials=trials,
        extractor_options=extractor_options or {},
    )


def export_stem(state: DocumentState, out_dir: Path) -> str:
    """The source's file stem, unless ``out_dir`` holds another source's export under it:
    then the stem and the document id, so two sources with one stem never overwrite each other."""
    stem = Path(state.source).stem
    try:
        owner = json.loads((out_dir / f"{stem}.json").read_text())["document"]["source"]
    except (OSError, ValueError, KeyError, TypeError):  # no export there yet (or not ours to read)
        return stem
    return stem if owner == state.source else f"{stem}-{state.id}"


def write_export(state: DocumentState, out_dir: Path, stem: str) -> Path:
    """``out_dir/<stem>.json``, written atomically (a reader never sees half a file).

    ``stem`` is sanitised (``pipeline.bucket.safe_segment``): the file is always directly in ``out_dir``.
    """
    from pipeline.bucket import safe_segment

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{safe_segment(stem)}.json"
    tmp = target.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(export(state), indent=2, ensure_ascii=False, default=str))
    tmp.replace(target)
    return target
