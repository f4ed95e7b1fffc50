"""The framework this project ships: the Normenkader IBP FO in our own rendering (BRIEF 2)."""

from pathlib import Path

NORMENKADER_SLUG = "normenkader-ibp-fo"
SHIPPED_FRAMEWORK = Path(__file__).resolve().parent / "shipped" / f"{NORMENKADER_SLUG}.yaml"
