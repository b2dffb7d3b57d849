"""The policy document model, assembled from a registry's rule kinds, and the resolved Policy."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, Union, final

from pydantic import Field, create_model

from gridpolicing.model.terms import BUILTIN, Vocabulary
from gridpolicing.policy.models import (
    IDENT,
    Duty,
    Effective,
    NotEncoded,
    ParameterDecl,
    RuleSpec,
    Source,
)
from gridpolicing.policy.values import PolicyModel, Text
from gridpolicing.policy.vocabulary import VocabularySection

if TYPE_CHECKING:
    from gridpolicing.assessment.models import Assessment
    from gridpolicing.policy.registry import Registry

__all__ = ["DocumentBase", "Policy", "document_model"]


class DocumentBase(PolicyModel):
    """Fields of one policy file; ``rules`` is added per registry by :func:`document_model`."""

    id: str = Field(pattern=IDENT)
    jurisdiction: str = Field(min_length=1)
    title: Text
    sources: list[Source] = Field(default_factory=list)
    effective: Effective | None = None
    extends: str | None = Field(default=None, description="Id or path of the parent policy")
    parameters: dict[str, ParameterDecl] = Field(
        default_factory=dict, description="Parameters this policy declares (a template)"
    )
    parameter_values: dict[str, Any] = Field(
        default_factory=dict, description="Values for the parameters of the policy it extends"
    )
    remove_rules: list[str] = Field(default_factory=list, description="Inherited rules to drop")
    assessment: dict[str, Any] | None = Field(
        default=None,
        description="Assessment schemes (see docs/assessment.md); checked after parameters "
        "are substituted; along an extends chain, schemes and their items merge by id",
    )
    catalogues: dict[str, list[Duty]] = Field(
        default_factory=dict,
        description="Named duty catalogues; a rule refers to one as {catalogue: name}",
    )
    not_encoded: list[NotEncoded] = Field(default_factory=list)
    vocabulary: VocabularySection | None = Field(
        default=None,
        description="Terms this policy adds to the roles, posts and kinds (docs/vocabulary.md)",
    )


@functools.cache
def document_model(registry: Registry) -> type[DocumentBase]:
    """The document model whose ``rules`` is the tagged union of ``registry``'s kinds."""
    specs = tuple(kind.spec for kind in registry.values())
    if not specs:
        rule_type: Any = RuleSpec
    elif len(specs) == 1:
        rule_type = specs[0]
    else:
        rule_type = Annotated[Union[specs], Field(discriminator="kind")]  # noqa: UP007 - runtime tuple
    model: type[DocumentBase] = create_model(
        "PolicyDocument",
        __base__=DocumentBase,
        rules=(list[rule_type], Field(default_factory=list)),
    )
    return model


@final
@dataclass(frozen=True, slots=True)
class Policy:
    """A loaded policy with its ``extends`` chain merged and its parameters substituted.

    ``files`` are the policy files from the root template to this policy; ``content_hash`` is the
    SHA-256 of their bytes, so a report can be traced to the exact text it was computed from.
    ``origins`` gives each rule's file and line, so an inherited rule can be told from an override.
    ``vocabulary`` is the terms in force: the built-in ones and those the chain adds; pass it to
    ``load_dataset`` so records may name the added terms.
    """

    id: str
    jurisdiction: str
    title: Text
    sources: dict[str, Source]
    effective: Effective | None
    rules: tuple[RuleSpec, ...]
    parameters: dict[str, Any]
    not_encoded: tuple[NotEncoded, ...]
    catalogues: dict[str, tuple[Duty, ...]]
    assessment: Assessment | None
    files: tuple[str, ...]
    content_hash: str
    origins: dict[str, str]
    registry: Registry = field(repr=False, compare=False)
    is_template: bool = False
    vocabulary: Vocabulary = BUILTIN

    def rule(self, rule_id: str) -> RuleSpec:
        """The rule with ``rule_id``."""
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)
