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

    id: str = Field(
        pattern=IDENT,
        description="政策 id(小写字母、数字、- _ .),extends 和命令行用它指称政策。 The policy's "
        "id (lower-case letters, digits, - _ .); extends and the command line name it.",
        examples=["chengdu-xinjin-2022"],
    )
    jurisdiction: str = Field(
        min_length=1,
        description="适用的辖区。 The jurisdiction the policy applies to.",
        examples=["成都市新津区"],
    )
    title: Text = Field(
        description="政策标题,中英文。 The policy's title in zh and en.",
        examples=[{"zh": "新津区一村一警实施方案", "en": "Xinjin one-officer-per-village scheme"}],
    )
    sources: list[Source] = Field(
        default_factory=list,
        description="政策所编码的依据文件;每条规则的 citation 引用其一。 The texts the policy "
        "encodes; each rule's citation names one.",
        examples=[
            [{"id": "xinjin-2022", "title": "新津区一村一警工作方案", "issuer": "新津区公安分局"}]
        ],
    )
    effective: Effective | None = Field(
        default=None,
        description="政策的生效期间(from 至 to,含两端)。 The dates the policy is in force (from "
        "and to, inclusive).",
        examples=[{"from": "2022-01-01"}],
    )
    extends: str | None = Field(
        default=None,
        description="上级政策(模板)的 id 或路径,本政策继承其规则。 Id or path of the parent "
        "policy (a template) whose rules this one inherits.",
        examples=["baseline-community-policing"],
    )
    parameters: dict[str, ParameterDecl] = Field(
        default_factory=dict,
        description="本政策(模板)声明的参数,由继承它的政策给值。 Parameters this policy declares "
        "(a template); a policy extending it gives their values.",
        examples=[
            {
                "weekly_hours": {
                    "type": "number",
                    "description": {"zh": "每周驻村小时数", "en": "Weekly hours"},
                    "minimum": 0,
                }
            }
        ],
    )
    parameter_values: dict[str, Any] = Field(
        default_factory=dict,
        description="所继承政策的参数值。 Values for the parameters of the policy it extends.",
        examples=[{"weekly_hours": 24}],
    )
    remove_rules: list[str] = Field(
        default_factory=list,
        description="不继承的上级规则 id。 Ids of inherited rules to drop.",
        examples=[["weekly-briefing"]],
    )
    assessment: dict[str, Any] | None = Field(
        default=None,
        description="考核方案(docs/assessment.md);参数代入后检查;沿 extends 链按 id 合并方案及"
        "其项目。 Assessment schemes (docs/assessment.md); checked after parameters are "
        "substituted; along an extends chain, schemes and their items merge by id.",
    )
    catalogues: dict[str, list[Duty]] = Field(
        default_factory=dict,
        description="具名的职责目录;规则以 {catalogue: 名称} 引用。 Named duty catalogues; a rule "
        "refers to one as {catalogue: name}.",
        examples=[
            {
                "village-contact-duties": [
                    {
                        "id": "disputes",
                        "title": {"zh": "排查化解矛盾纠纷", "en": "Screen and settle disputes"},
                        "activity_kinds": ["dispute_screening", "mediation"],
                    }
                ]
            }
        ],
    )
    not_encoded: list[NotEncoded] = Field(
        default_factory=list,
        description="数据无法证实或否定、因而未编码的条款,逐条列出以免悄然遗漏。 Clauses data "
        "cannot confirm or refute, listed so nothing is skipped silently.",
        examples=[
            [{"source": "xindu-2022", "quote": "充分发挥村警作用", "reason": "A statement of aim."}]
        ],
    )
    vocabulary: VocabularySection | None = Field(
        default=None,
        description="本政策新增的角色、职务、类别、标签和属性(docs/vocabulary.md)。 Terms this "
        "policy adds to the roles, posts, kinds, tags and attributes (docs/vocabulary.md).",
        examples=[{"file": "vocabulary.yaml"}],
    )


_RULES_DESCRIPTION = (
    "政策的规则;每条引用一个条款,kind 决定其字段(docs/rule-kinds.md)。 The policy's rules; each "
    "cites one clause, and its kind decides its fields (docs/rule-kinds.md)."
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
        rules=(list[rule_type], Field(default_factory=list, description=_RULES_DESCRIPTION)),
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
