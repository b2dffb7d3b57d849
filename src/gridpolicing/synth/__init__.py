"""Synthetic deployments with known violations: ``generate`` writes a dataset and its truth.

Profiles reproduce published configurations (``xindu-2022``, ``xinjin-2022``,
``xinxiang-2016``, ``nanjing-2016``); the base data complies with every rule of the profile's
policy, and violations are injected at a chosen rate, each recorded in ``truth.json`` as the
failing findings (rule, subject, bucket) it causes. ``generate_partitioned`` writes a province of
such worlds, one ``bureau=<B>/`` partition each. See docs/synth.md.
"""

from gridpolicing.synth.api import DEFAULT_RATE, DEFAULT_SEED, generate
from gridpolicing.synth.partitioned import generate_partitioned
from gridpolicing.synth.profiles import PROFILES, Profile
from gridpolicing.synth.truth import TRUTH_FORMAT, Truth, Violation

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_SEED",
    "PROFILES",
    "TRUTH_FORMAT",
    "Profile",
    "Truth",
    "Violation",
    "generate",
    "generate_partitioned",
]
