"""Typical levels per domain, which the demo boards and the synthetic sector both draw around."""

import random

# After the 2024 measurements: governance ahead, technical domains and continuity behind
# (BRIEF 1). The demo draws around these, the same way every run.
DOMAIN_LEVELS = {"GO": 2.6, "OR": 2.4, "RM": 2.0, "ID": 2.2, "SM": 1.8, "OP": 1.7, "BC": 1.5}
DEFAULT_LEVEL = 2.0


def typical_level(rng: random.Random, domain_code: str, lift: float = 0.0) -> int:
    """A level drawn around the domain's typical level (plus a lift), between 1 and 5."""
    centre = DOMAIN_LEVELS.get(domain_code, DEFAULT_LEVEL) + lift
    return max(1, min(5, round(rng.gauss(centre, 0.7))))
