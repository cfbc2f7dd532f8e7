#!/usr/bin/env bash
# Debian packages docloop needs: an OCR engine (and OpenCV's libGL and GLib for the other), a PDF rasteriser for the review UI,
# libmagic, LibreOffice Writer for .doc, and Chromium for the browser tests. Idempotent: installs only what is missing.
set -euo pipefail
need=()
command -v tesseract >/dev/null || need+=(tesseract-ocr tesseract-ocr-eng)
# OpenCV (opencv-python, for RapidOCR) links libGL and GLib even without a display
[ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libGL.so.1 ] || need+=(libgl1)
[ -e /usr/lib/x86_64-linux-gnu/libgthread-2.0.so.0 ] || [ -e /usr/lib/aarch64-linux-gnu/libgthread-2.0.so.0 ] || need+=(libglib2.0-0)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
command -v chromium >/dev/null || need+=(chromium)
# .doc files: unstructured converts them with LibreOffice (headless, no GUI packages)
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)
# validates docker-compose.yml in the tests (no Docker engine runs here, the file is only checked)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null || need+=(docker-compose)
[ -e /usr/lib/x86_64-linux-gnu/libmagic.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libmagic.so.1 ] || need+=(libmagic1)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing system packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
