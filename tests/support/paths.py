"""Where the tests find the checkout, the recorded PubMed data, the demo records, and where they leave pictures."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLES = ROOT / "tests" / "data" / "pubmed-samples"
DEMO_DIR = ROOT / "fixtures" / "demo"
ARTIFACTS = ROOT / "test-artifacts"
