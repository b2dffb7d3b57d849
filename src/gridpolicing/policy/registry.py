"""The rule-kind registry: plugins found through the ``gridpolicing.rules`` entry-point group.

Built-in kinds register through that group exactly as a third party's would. The registry is a
value handed to the loader and the engine, never a module-level global filled by imports.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, final, get_args, runtime_checkable

from gridpolicing.errors import GridPolicingError
from gridpolicing.policy.models import RuleSpec
from gridpolicing.policy.values import Text

if TYPE_CHECKING:
    from gridpolicing.engine.context import PlanContext
    from gridpolicing.report.finding import Finding

__all__ = ["ENTRY_POINT_GROUP", "PluginError", "Registry", "RuleKind"]

ENTRY_POINT_GROUP: Final = "gridpolicing.rules"


@runtime_checkable
class RuleKind(Protocol):
    """The contract of a rule kind.

    ``name`` is the tag authors write as ``kind:``; ``spec`` is the pydantic model of such a rule
    (a :class:`RuleSpec` subclass whose ``kind`` is ``Literal[name]``). ``plan`` returns one SQL
    query yielding the outcome relation documented in :mod:`gridpolicing.engine.context`;
    ``describe`` turns one finding into a sentence a station chief understands, in zh and en.

    A kind may also set ``reads_history: ClassVar[bool] = False`` when it judges only what is
    held in a bucket (assignments on its last day, unit attributes) and reads no event log: a
    bucket that starts before the evaluation range is then judged without data from before
    the range. Kinds that do not say so are taken to read the bucket's whole history.
    """

    name: ClassVar[str]
    spec: ClassVar[type[RuleSpec]]

    def plan(self, rule: Any, ctx: PlanContext) -> str: ...

    def describe(self, rule: Any, finding: Finding) -> Text: ...


@final
class PluginError(GridPolicingError):
    """A rule-kind plugin could not be loaded or breaks the contract."""


@final
class Registry(Mapping[str, RuleKind]):
    """Rule kinds by name, sorted; immutable once built."""

    __slots__ = ("_kinds",)

    def __init__(self, kinds: Iterable[RuleKind]) -> None:
        found: dict[str, RuleKind] = {}
        for kind in kinds:
            _verify(kind, origin=type(kind).__module__)
            if kind.name in found:
                raise PluginError(f"rule kind {kind.name!r} is registered twice")
            found[kind.name] = kind
        self._kinds = dict(sorted(found.items()))

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> Registry:
        """Load every rule kind of ``group``, sorted by name; a broken plugin is named."""
        eps = sorted(entry_points(group=group), key=lambda ep: (ep.name, ep.value))
        kinds: list[RuleKind] = []
        seen: dict[str, EntryPoint] = {}
        for ep in eps:
            dist = ep.dist.name if ep.dist else "unknown distribution"
            if ep.name in seen:
                if seen[ep.name].value == ep.value:
                    continue  # the same distribution seen twice on sys.path
                raise PluginError(f"rule kind {ep.name!r} is provided twice ({dist}: {ep.value})")
            seen[ep.name] = ep
            try:
                kind = ep.load()
            except Exception as exc:
                raise PluginError(
                    f"cannot load rule kind {ep.name!r} from {dist} ({ep.value}): {exc}"
                ) from exc
            if isinstance(kind, type):
                kind = kind()
            if getattr(kind, "name", None) != ep.name:
                raise PluginError(
                    f"rule kind entry {ep.name!r} from {dist} names itself "
                    f"{getattr(kind, 'name', None)!r}; the entry name and the kind must agree"
                )
            _verify(kind, origin=f"{dist} ({ep.value})")
            kinds.append(kind)
        return cls(kinds)

    def with_kinds(self, *kinds: RuleKind) -> Registry:
        """A new registry with ``kinds`` added (for tests and embedding)."""
        return Registry([*self._kinds.values(), *kinds])

    def __getitem__(self, name: str) -> RuleKind:
        return self._kinds[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __hash__(self) -> int:
        return hash(tuple(self._kinds.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Registry) and self._kinds == other._kinds


def _verify(kind: object, origin: str) -> None:
    if not isinstance(kind, RuleKind):
        raise PluginError(
            f"{origin}: {kind!r} is not a rule kind (needs name, spec, plan, describe)"
        )
    spec = kind.spec
    if not (isinstance(spec, type) and issubclass(spec, RuleSpec)):
        raise PluginError(f"{origin}: rule kind {kind.name!r}: spec must subclass RuleSpec")
    tag = get_args(spec.model_fields["kind"].annotation)
    if tag != (kind.name,):
        raise PluginError(
            f"{origin}: rule kind {kind.name!r}: spec.kind must be Literal[{kind.name!r}], "
            f"found {spec.model_fields['kind'].annotation!r}"
        )
    if spec.model_config.get("extra") != "forbid":
        raise PluginError(f"{origin}: rule kind {kind.name!r}: spec must forbid extra keys")
