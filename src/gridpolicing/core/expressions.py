"""Policy expressions: an author's SQL expression, checked against an allow-list, compiled.

:func:`check` parses the text with sqlglot (DuckDB dialect) and refuses, with the character
offset of the culprit, anything outside the allow-list of core/checker.py: other tables,
subqueries, statements, comments, placeholders, functions not in core/functions.py, and
mixed types. A checked :class:`Expression` compiles from its tree, never from the author's
text, to DuckDB or any dialect sqlglot writes, with every column qualified by the alias the
engine gives::

    >>> e = check("population >= 3000", table_scope("units"))
    >>> e.sql(alias="u")
    'u.population >= 3000'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final, final

import sqlglot
from pydantic import GetCoreSchemaHandler, ValidationInfo
from pydantic_core import core_schema
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokenizer_core import Token, TokenType

from gridpolicing.core.checker import Checker
from gridpolicing.core.errors import ExpressionError
from gridpolicing.core.scope import Scope, ValueType, table_scope
from gridpolicing.model.terms import Vocabulary

__all__ = [
    "DEFERRED_CONTEXT",
    "MAX_BRACKETS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "VOCABULARY_CONTEXT",
    "Expression",
    "ExpressionError",
    "check",
    "condition_json_schema",
    "condition_validator",
]

VOCABULARY_CONTEXT: Final = "vocabulary"
"""The key of pydantic's validation context holding the policy's vocabulary: conditions then
see the attributes and tags it declares (policy/loader.py validates rules with it)."""
DEFERRED_CONTEXT: Final = "conditions_deferred"
"""A context key: the vocabulary is not known yet, so an unknown column is not an error here
(policy/chain.py reads each file before the chain's vocabulary is merged)."""

MAX_LENGTH: Final = 1000
"""Characters an expression may have."""
MAX_BRACKETS: Final = 16
"""Brackets (of calls and of grouping) an expression may nest."""
MAX_DEPTH: Final = 48
"""Levels the parsed tree may have (each operator, call or CASE is one)."""

_DIALECT: Final = "duckdb"
_ALIAS: Final = re.compile(r"^[a-z_][a-z0-9_]*$")
_ARITHMETIC: Final = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.Abs)
_DEPTH_MESSAGE: Final = (
    f"the expression is nested too deeply; at most {MAX_BRACKETS} brackets and "
    f"{MAX_DEPTH} levels are allowed"
)


@final
class Expression:
    """A checked expression over one scope: its text, type and compiled tree."""

    __slots__ = ("_tree", "scope", "text", "type")

    def __init__(self, text: str, scope: Scope, type_: ValueType, tree: exp.Expr) -> None:
        self.text = text
        self.scope = scope
        self.type = type_
        self._tree = tree

    def sql(self, alias: str, dialect: str = _DIALECT, *, null_as: bool | None = None) -> str:
        """The expression in ``dialect`` with each column written ``alias.column``.

        ``null_as`` (for conditions) says what a NULL result counts as: ``coalesce(e, TRUE)``.
        """
        if not _ALIAS.match(alias):
            raise ValueError(f"alias {alias!r} is not a plain lower-case SQL name")
        table = exp.to_identifier(alias)

        def qualify(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column):  # the checked name: exact if quoted, else lower
                name = node.name if node.this.quoted else node.name.lower()
                col = self.scope.column(name)
                column = col.sql_name if col is not None else name
                return exp.Column(this=_identifier(column), table=table.copy())
            return node

        tree = self._tree.transform(qualify)  # transform copies: the stored tree is unchanged
        if null_as is not None:
            tree = exp.Coalesce(this=tree, expressions=[exp.Boolean(this=null_as)])
        return tree.sql(dialect=dialect)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, {self.scope.table})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Expression):
            return NotImplemented
        return (self.text, self.scope) == (other.text, other.scope)

    def __hash__(self) -> int:
        return hash((self.text, self.scope.table))

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        """In a pydantic model: an Expression instance, serialised as its text."""
        return core_schema.is_instance_schema(
            cls,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda e: e.text, return_schema=core_schema.str_schema()
            ),
        )


def condition_validator(table: str) -> Callable[[Any, ValidationInfo], Expression]:
    """A pydantic before-validator reading text as a condition over ``table``'s columns.

    Use as ``Annotated[Expression, BeforeValidator(condition_validator("units")),
    WithJsonSchema(condition_json_schema("units"))]``; an :class:`ExpressionError` is a
    ``ValueError``, so pydantic reports it at the field (policy/errors_map.py places it).
    """

    def read(value: Any, info: ValidationInfo) -> Expression:
        if isinstance(value, Expression):
            return value
        if not isinstance(value, str):
            raise ValueError("expected a condition written as text, e.g. population >= 3000")
        context = info.context if isinstance(info.context, dict) else {}
        vocabulary = context.get(VOCABULARY_CONTEXT)
        scope = table_scope(table, vocabulary if isinstance(vocabulary, Vocabulary) else None)
        try:
            return check(value, scope)
        except ExpressionError as exc:
            if context.get(DEFERRED_CONTEXT) and exc.needs_vocabulary:
                # The attributes in force are known once the whole chain is read: the loader
                # checks the rule again with them, and reports an unknown column then.
                return Expression(value, scope, ValueType.boolean, exp.Boolean(this=True))
            raise

    return read


def condition_json_schema(table: str) -> dict[str, Any]:
    """JSON Schema of a condition field over ``table`` (a string; the checks are the loader's)."""
    return {
        "type": "string",
        "minLength": 1,
        "maxLength": MAX_LENGTH,
        "description": f"关于 {table} 各列的条件(SQL 表达式)。 A condition on the columns of "
        f"{table} (docs/policy-language.md, Expressions).",
    }


def check(text: str, scope: Scope, *, want: ValueType | None = ValueType.boolean) -> Expression:
    """Parse and check ``text`` over ``scope``; ``want`` is the type it must have (None: any).

    Raises :class:`ExpressionError` with the offset of what is wrong.
    """
    if not isinstance(text, str):
        raise TypeError(f"an expression is text, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; at most {MAX_LENGTH} are allowed",
            text,
            MAX_LENGTH,
        )
    tokens = _tokens(text)
    tree = _parse(text, tokens)
    _bounded(text, tree)
    checker = Checker(text, scope)
    found = checker.type_of(tree)
    if want is not None and found is not want:
        raise ExpressionError(
            f"expected {want.phrase()}, found {checker.show(tree, found)}", text, 0
        )
    checker.type_nulls()
    return Expression(text, scope, found, _exact(tree))


def _tokens(text: str) -> list[Token]:
    """Tokens of ``text``, refusing what must not reach the parser: ``;``, comments, nothing."""
    try:
        tokens = sqlglot.tokenize(text, read=_DIALECT)
    except TokenError:
        raise ExpressionError(
            "cannot read the expression: a string or quoted name is not closed",
            text,
            _unclosed_quote(text),
        ) from None
    if not tokens:
        where = _comment_at(text, tokens)
        if where is not None:
            raise ExpressionError(_COMMENT_MESSAGE, text, where)
        raise ExpressionError(
            "the expression is empty; expected a condition such as population >= 3000", text
        )
    if tokens[0].token_type in _STATEMENTS:  # before the parser, which would log a warning
        raise ExpressionError(
            f"expected one expression, found a statement ({tokens[0].text.upper()})", text, 0
        )
    depth = 0
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            raise ExpressionError(
                "expected one expression, found ';': statements cannot be chained",
                text,
                token.start,
            )
        if token.token_type in _PARAMETERS:
            raise ExpressionError(
                "parameters and placeholders are not allowed; write the value itself",
                text,
                token.start,
            )
        if token.token_type == TokenType.L_PAREN:
            depth += 1
            if depth > MAX_BRACKETS:
                raise ExpressionError(_DEPTH_MESSAGE, text, token.start)
        elif token.token_type == TokenType.R_PAREN:
            depth -= 1
    where = _comment_at(text, tokens)
    if where is None and any(token.comments for token in tokens):
        where = 0  # a comment form the gap scan does not know: refuse it all the same
    if where is not None:
        raise ExpressionError(_COMMENT_MESSAGE, text, where)
    return tokens


_STATEMENTS: Final = frozenset(
    set(sqlglot.Dialect.get_or_raise(_DIALECT).parser_class.STATEMENT_PARSERS)
    | set(sqlglot.Dialect.get_or_raise(_DIALECT).tokenizer_class.COMMANDS)
)
# ?, $1, $name, @name and :name: a value bound later is a value nobody checked.
_PARAMETERS: Final = frozenset({TokenType.PLACEHOLDER, TokenType.PARAMETER, TokenType.COLON})
_COMMENT_MESSAGE: Final = "comments are not allowed in an expression; explain it in the rule's note"


def _comment_at(text: str, tokens: list[Token]) -> int | None:
    """Offset of the first comment: ``--`` or ``/*`` in a gap between tokens."""
    gaps = []
    start = 0
    for token in tokens:
        gaps.append((start, token.start))
        start = token.end + 1
    gaps.append((start, len(text)))
    for a, b in gaps:
        gap = text[a:b]
        found = [i for i in (gap.find("--"), gap.find("/*"), gap.find("//")) if i >= 0]
        if found:
            return a + min(found)
    return None


def _unclosed_quote(text: str) -> int:
    """Offset of the quote that opens an unclosed string or name (0 if none is found)."""
    i = 0
    while i < len(text):
        quote = text[i]
        if quote in "'\"":
            j = i + 1
            while j < len(text):
                if text[j] == quote and text[j + 1 : j + 2] == quote:
                    j += 2
                    continue
                if text[j] == quote:
                    break
                j += 1
            else:
                return i
            i = j
        i += 1
    return 0


def _parse(text: str, tokens: list[Token]) -> exp.Expr:
    try:
        tree = sqlglot.parse_one(text, read=_DIALECT)
    except ParseError as exc:
        raise _parse_error(text, exc) from None
    except RecursionError:  # the parser recurses per level; the limits make this rare
        raise ExpressionError(_DEPTH_MESSAGE, text, 0) from None
    if not isinstance(tree, exp.Condition | exp.Query | exp.Subquery | exp.Star):  # for the checker
        first = tokens[0].text.upper()
        raise ExpressionError(f"expected one expression, found a statement ({first})", text, 0)
    return tree


def _parse_error(text: str, exc: ParseError) -> ExpressionError:
    errors = exc.errors or [{}]
    first = errors[0]
    description = str(first.get("description") or "not an expression")
    highlight = str(first.get("highlight") or "")
    line, col = first.get("line"), first.get("col")
    offset = 0
    if isinstance(line, int) and isinstance(col, int):
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        offset = starts[min(line, len(starts)) - 1] + col - len(highlight)
    if description.startswith("Expecting "):
        what = f"expected {description[len('Expecting ') :]}"
    elif description.startswith("Required keyword") or offset >= len(text.rstrip()):
        what = "the expression is incomplete"
    elif "number of provided arguments" in description:
        what = "too many arguments"
    else:
        what = "unexpected text"
    near = f" at {highlight!r}" if highlight else ""
    return ExpressionError(f"cannot parse the expression{near}: {what}", text, offset)


def _bounded(text: str, tree: exp.Expr) -> None:
    """Refuse a tree deeper than MAX_DEPTH (counted without recursion)."""
    stack: list[tuple[exp.Expr, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            starts = [n.meta["start"] for n in node.walk() if "start" in n.meta]
            raise ExpressionError(_DEPTH_MESSAGE, text, min(starts) if starts else 0)
        stack.extend((child, depth + 1) for child in node.iter_expressions())


def _exact(tree: exp.Expr) -> exp.Expr:
    """A copy computing arithmetic in DOUBLE, so no integer overflow can stop a plan.

    DuckDB raises on BIGINT overflow (``population * population * ...``) and on ``x % 0``;
    in DOUBLE these give inf or NaN, which compare like any number. An operand that is not a
    literal is cast; a literal need not be, as its partner is then DOUBLE (unless both are
    literals: then the left one is cast).
    """
    tree = tree.copy()
    for node in list(tree.find_all(*_ARITHMETIC)):
        keys = [k for k in ("this", "expression") if node.args.get(k) is not None]
        operands = [node.args[k] for k in keys]
        plain = [k for k, child in zip(keys, operands, strict=True) if not _is_literal(child)]
        for key in plain or keys[:1]:
            child = node.args[key]
            if not _is_double(child):
                node.set(key, exp.Cast(this=child, to=exp.DataType.build("DOUBLE")))
    return tree


def _is_literal(node: exp.Expr) -> bool:
    while isinstance(node, exp.Paren | exp.Neg):
        node = node.this
    return isinstance(node, exp.Literal | exp.Null)


def _is_double(node: exp.Expr) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Cast):
        return node.to.is_type(exp.DType.DOUBLE)
    return isinstance(node, _ARITHMETIC) and not isinstance(node, exp.Abs) and not _is_literal(node)


_KEYWORDS: Final = frozenset(
    k.lower() for k in sqlglot.Dialect.get_or_raise(_DIALECT).tokenizer_class.KEYWORDS
)


def _identifier(name: str) -> exp.Identifier:
    """A column name, quoted when it is a keyword of the dialect (``end``) or not plain."""
    return exp.to_identifier(name, quoted=name in _KEYWORDS or not _ALIAS.match(name))
