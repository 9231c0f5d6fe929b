"""Open generated files the way a user would: LibreOffice converts them to PDF, headless.

A file LibreOffice cannot load fails the conversion (no PDF, or an empty one). Tests then read
the PDF's text back, so "it opened" means "it opened with the contents we wrote". Without
LibreOffice the tests skip, except under CI (``CI=true``), which installs it and must run them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pytest

SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def need_libreoffice() -> str:
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed (scripts/test installs it as root)")
        pytest.skip("LibreOffice is not installed")
    return SOFFICE


def convert_to_pdf(document: Path, work: Path) -> Path:
    """``document`` converted by LibreOffice into ``work``; fails the test if it cannot be."""
    soffice = need_libreoffice()
    profile = work / "lo-profile"
    out = work / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            soffice, f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
            "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(document),
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    pdf = out / (document.stem + ".pdf")
    assert result.returncode == 0 and pdf.exists() and pdf.stat().st_size > 0, (
        f"LibreOffice could not open {document.name}: {result.stdout} {result.stderr}"
    )
    return pdf


def pdf_text(pdf: Path) -> str:
    with pdfplumber.open(pdf) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def pdf_pages(pdf: Path) -> int:
    with pdfplumber.open(pdf) as doc:
        return len(doc.pages)
