"""Assembling the embedded model file: exact bytes or a typed error, never a half-trusted file."""

import hashlib

import pytest

from pipeline.providers import model_files
from pipeline.providers.model_files import ModelFileError, assemble_parts, model_path, part_path, verified


def _parts(tmp_path, blobs):
    paths = []
    for i, blob in enumerate(blobs):
        p = tmp_path / f"part{i:02d}.bin"
        p.write_bytes(blob)
        paths.append(p)
    return paths


def test_parts_concatenate_in_order_and_are_verified(tmp_path):
    blobs = [b"GGUF" + bytes(100), b"\x01" * 37, b"tail"]
    whole = b"".join(blobs)
    target = tmp_path / "cache" / "m.gguf"
    out = assemble_parts(_parts(tmp_path, blobs), target, len(whole), hashlib.sha256(whole).hexdigest())
    assert out.read_bytes() == whole
    assert verified(target, len(whole), hashlib.sha256(whole).hexdigest())


def test_wrong_hash_is_a_typed_error_and_leaves_no_file(tmp_path):
    blobs = [b"abc", b"def"]
    target = tmp_path / "m.gguf"
    with pytest.raises(ModelFileError, match="SHA-256"):
        assemble_parts(_parts(tmp_path, blobs), target, 6, hashlib.sha256(b"abcdeX").hexdigest())
    assert not target.exists()
    assert not list(tmp_path.glob(".m.gguf*"))


def test_wrong_size_is_a_typed_error(tmp_path):
    blobs = [b"abc"]
    with pytest.raises(ModelFileError, match="bytes"):
        assemble_parts(_parts(tmp_path, blobs), tmp_path / "m.gguf", 4, hashlib.sha256(b"abc").hexdigest())


def test_a_changed_file_is_no_longer_trusted(tmp_path):
    whole = b"0123456789"
    digest = hashlib.sha256(whole).hexdigest()
    target = assemble_parts(_parts(tmp_path, [whole]), tmp_path / "m.gguf", len(whole), digest)
    target.write_bytes(b"9876543210")  # same size, other bytes: the stamp no longer matches
    assert not verified(target, len(whole), digest)


def test_missing_data_package_and_unknown_model_are_typed_errors(tmp_path):
    with pytest.raises(ModelFileError, match="not installed"):
        part_path("docloop-no-such-data-package")
    with pytest.raises(ModelFileError, match="unknown embedded model"):
        model_path("gpt-17", folder=tmp_path)


@pytest.mark.model
def test_installed_packages_give_the_published_file():
    model = model_files.MODELS[model_files.DEFAULT_MODEL]
    path = model_path()
    assert path.stat().st_size == model.size
    assert verified(path, model.size, model.sha256)
