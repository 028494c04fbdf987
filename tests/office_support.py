"""Shared helper for tests that need LibreOffice (marked ``@pytest.mark.office``).

Outside CI a missing soffice skips the test with a visible reason; in CI
(``CI=true``) it fails, so a runner without LibreOffice cannot pass silently.
Install: ``apt-get install -y libreoffice-writer-nogui poppler-utils
fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-gkai00mp``.
"""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = (
    "apt-get install -y libreoffice-writer-nogui poppler-utils "
    "fonts-noto-cjk fonts-arphic-gbsn00lp fonts-arphic-gkai00mp"
)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _missing(what: str) -> None:
    message = f"{what} not found; install with: {INSTALL_HINT}"
    if in_ci():
        pytest.fail(f"CI=true but {message}")
    pytest.skip(message)


def require_soffice() -> str:
    """Path of soffice; skip (or fail in CI) when LibreOffice is missing."""
    from assess.render.office import find_soffice

    found = find_soffice()
    if not found:
        _missing("LibreOffice (soffice)")
    assert found is not None
    return found


def require_poppler() -> None:
    """Skip (or fail in CI) when poppler-utils (pdftotext, pdfinfo, pdftoppm) is missing."""
    for tool in ("pdftotext", "pdfinfo", "pdftoppm"):
        if not shutil.which(tool):
            _missing(f"{tool} (poppler-utils)")
