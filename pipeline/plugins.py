"""Lazy registries: names mapped to ``module:attribute`` targets, imported when first used.

Built-in entries are a table in the owning package; an installed package adds
more through an entry-point group (``docloop.kinds``, ``docloop.cues``,
``docloop.extractors``, ``docloop.providers``, ``docloop.schemas``) without
touching docloop. Nothing is imported until its name is asked for, so serving
one backend never imports another's SDK.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points
from typing import Any


class Registry:
    """``name -> "module:attribute"`` (or ``"module"`` for a whole module), loaded on demand."""

    def __init__(self, group: str, builtin: dict[str, str]):
        self.group = group
        self._targets = dict(builtin)
        self._loaded: dict[str, Any] = {}
        self._scanned = False

    def _scan(self) -> None:
        if not self._scanned:
            for ep in entry_points(group=self.group):
                self._targets.setdefault(ep.name, ep.value)
            self._scanned = True

    def names(self) -> list[str]:
        self._scan()
        return sorted(self._targets)

    def __contains__(self, name: str) -> bool:
        self._scan()
        return name in self._targets

    def add(self, name: str, target: str | Any) -> None:
        """Register ``name``: a ``module:attribute`` string, or the object itself."""
        self._loaded.pop(name, None)
        if isinstance(target, str):
            self._targets[name] = target
        else:
            self._targets[name] = f"<object {name}>"
            self._loaded[name] = target

    def remove(self, name: str) -> None:
        self._targets.pop(name, None)
        self._loaded.pop(name, None)

    def load(self, name: str) -> Any:
        """The object registered as ``name``; KeyError when there is none."""
        if name in self._loaded:
            return self._loaded[name]
        self._scan()
        if name not in self._targets:
            raise KeyError(f"unknown {self.group.removeprefix('docloop.')[:-1]} {name!r}; known: {', '.join(self.names())}")
        module, _, attr = self._targets[name].partition(":")
        obj = importlib.import_module(module)
        for part in attr.split(".") if attr else ():
            obj = getattr(obj, part)
        self._loaded[name] = obj
        return obj
