#!/usr/bin/env bash
# llama-cpp-python, built once per version for any x86-64 CPU with AVX2 instead of for this
# one CPU (its default, -march=native). On Sapphire Rapids and newer that pulls in llama.cpp's
# AMX kernels, which segfault on the first decode of a Q4_K_M model (ggml-org/llama.cpp#20824),
# and pip's wheel cache would hand such a build to every later install on the machine.
# The wheel is kept under ~/.cache/docloop (DOCLOOP_WHEELS), outside pip's cache.
# Usage: install-llama-cpp.sh PYTHON
set -euo pipefail
py=$1
version=$(grep -o '"llama-cpp-python==[^"]*"' pyproject.toml | tr -d '"' | cut -d= -f3)
flags=""
[ "$(uname -m)" = x86_64 ] && flags="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
wheels=${DOCLOOP_WHEELS:-$HOME/.cache/docloop/wheels}/llama-cpp-python-$version-$(echo "$flags" | sha1sum | cut -c1-8)
if ! ls "$wheels"/llama_cpp_python-"$version"-*.whl >/dev/null 2>&1; then
  echo "building llama-cpp-python $version (about 6 minutes, once)"
  CMAKE_ARGS="$flags" "$py" -m pip wheel -q --no-cache-dir --no-deps -w "$wheels" "llama-cpp-python==$version"
fi
"$py" -m pip install -q --no-deps --force-reinstall "$wheels"/llama_cpp_python-"$version"-*.whl
