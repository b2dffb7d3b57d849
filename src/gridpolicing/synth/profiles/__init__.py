"""The synthetic profiles: one jurisdiction's published configuration each."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, final

from gridpolicing.synth.context import Context
from gridpolicing.synth.profiles import nanjing, xindu, xinjin, xinxiang

__all__ = ["PROFILES", "Profile"]


@final
@dataclass(frozen=True, slots=True)
class Profile:
    """A profile: its policy, default year and builder."""

    name: str
    policy: str
    year: int
    summary: str
    build: Callable[[Context], None]


PROFILES: Final[dict[str, Profile]] = {
    p.name: p
    for p in (
        Profile(
            "xindu-2022",
            "chengdu-xindu-2022",
            xindu.YEAR,
            "Xindu 2022: 180 villages, 126 community officers + 54 dispatched officers one-to-one",
            xindu.build,
        ),
        Profile(
            "xinjin-2022",
            "chengdu-xinjin-2022",
            xinjin.YEAR,
            "Xinjin 2022: 81 villages, 49 community + 32 village contact officers, 81 auxiliaries",
            xinjin.build,
        ),
        Profile(
            "xinxiang-2016",
            "xinxiang-gaoxin-2016",
            xinxiang.YEAR,
            "Xinxiang 2016 scheme in 2017: 6 urban offices with grids, 2 rural over 14 villages",
            xinxiang.build,
        ),
        Profile(
            "nanjing-2016",
            "nanjing-2016",
            nanjing.YEAR,
            "Nanjing 2016 draft in 2017: urban communities one officer each, rural ones 2-3 each",
            nanjing.build,
        ),
    )
}
