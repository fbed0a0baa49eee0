"""A small IAM identity-policy evaluator (pure functions, no I/O).

What it implements, after the IAM User Guide's policy reference
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html) and
evaluation logic (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):

* Default deny; a matching ``Allow`` statement allows; a matching ``Deny`` statement wins
  over every ``Allow``.
* ``Action``/``NotAction`` with ``*``/``?`` wildcards, matched case-insensitively ("the
  prefix and the action name are case insensitive",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html).
* ``Resource``/``NotResource``: ``*`` alone matches everything; otherwise the six
  colon-separated ARN parts are matched one by one, case-sensitively, with ``*``/``?``
  wildcards inside a part (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
* Policy variables ``${key}`` and ``${key, 'default'}`` in ``Resource`` and condition values
  (policy version ``2012-10-17`` only; ``${*}``, ``${?}``, ``${$}`` are the literal characters).
  A variable whose key is absent (and has no default) cannot be resolved, and the value
  holding it matches nothing
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value).
* ``Condition``: operators are ANDed, keys within an operator are ANDed, the values of
  one key are ORed (NOR for negated operators)
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html).
  Operators: ``String[Not]Equals[IgnoreCase]``, ``String[Not]Like``, ``Arn[Not]Equals``,
  ``Arn[Not]Like``, ``Bool``, ``Null``, each (but ``Null``) with ``...IfExists``, and the set
  prefixes ``ForAllValues:``/``ForAnyValue:``. A key absent from the request makes a
  positive operator false and a negated one true
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html);
  ``ForAllValues`` with an absent or empty key is true, ``ForAnyValue`` false
  (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html).
* Anything else (numeric/date/IP operators, ``Principal`` in an identity policy, unknown
  elements) raises ``PolicyError`` when the policy is loaded: better a server that refuses
  to start than one that silently allows.

The request context maps condition-key names (case-insensitive) to a string or a list of
strings (multivalued keys). A list entry ``None`` stands for a value the caller could not
determine (e.g. an unreadable DynamoDB key): it equals nothing, so positive operators
never match it and negated ones always do.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Union

ContextValue = Union[str, list]
Context = Mapping[str, ContextValue]

ALLOW = "Allow"
DENY = "Deny"
VARIABLES_VERSION = "2012-10-17"
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"}

# operator base name -> (comparison kind, negated)
_OPERATORS = {
    "StringEquals": ("equals", False),
    "StringNotEquals": ("equals", True),
    "StringEqualsIgnoreCase": ("equals_ci", False),
    "StringNotEqualsIgnoreCase": ("equals_ci", True),
    "StringLike": ("like", False),
    "StringNotLike": ("like", True),
    "ArnEquals": ("arn", False),
    "ArnLike": ("arn", False),
    "ArnNotEquals": ("arn", True),
    "ArnNotLike": ("arn", True),
    "Bool": ("bool", False),
    "Null": ("null", False),
}


class PolicyError(ValueError):
    """The policy document is malformed or uses something this evaluator does not implement."""


# --------------------------------------------------------------------------------------
# Policy variables and wildcards


@dataclass(frozen=True)
class Text:
    """A policy string split into literal policy text (where ``*``/``?`` are wildcards in
    ``Like`` contexts) and variables (substituted at evaluation time, always literal)."""

    parts: tuple  # of ("text", str) | ("var", key_lower, default_or_None)

    def resolve(self, context: Context) -> list | None:
        """The parts with variables replaced by ("value", str); None if a variable cannot be resolved."""
        out = []
        for part in self.parts:
            if part[0] == "text":
                out.append(part)
                continue
            value = lookup(context, part[1])
            if isinstance(value, str):
                out.append(("value", value))
            elif part[2] is not None:
                out.append(("value", part[2]))
            else:
                return None  # absent or multivalued key: nothing to substitute
        return out


_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_DEFAULT = re.compile(r"^\s*([^,\s]+)\s*,\s*'((?:[^']|'')*)'\s*$")
_SPECIAL = {"*": "*", "?": "?", "$": "$"}


def parse_text(raw: str, variables: bool) -> Text:
    if not variables or "${" not in raw:
        return Text((("text", raw),))
    parts: list = []
    position = 0
    for match in _VARIABLE.finditer(raw):
        if match.start() > position:
            parts.append(("text", raw[position : match.start()]))
        inner = match.group(1)
        if inner in _SPECIAL:
            parts.append(("var", None, _SPECIAL[inner]))  # lookup(None) is absent: the default wins
        else:
            default = _DEFAULT.match(inner)
            if default:
                parts.append(("var", default.group(1).lower(), default.group(2).replace("''", "'")))
            elif inner.strip() and " " not in inner.strip() and "," not in inner:
                parts.append(("var", inner.strip().lower(), None))
            else:
                raise PolicyError(f"malformed policy variable ${{{inner}}}")
        position = match.end()
    if position < len(raw):
        parts.append(("text", raw[position:]))
    return Text(tuple(parts))


def lookup(context: Context, key: str | None) -> ContextValue | None:
    if key is None:
        return None
    for name, value in context.items():
        if name.lower() == key:
            return value
    return None


def _regex(parts: list, wildcards: bool, ignore_case: bool = False) -> re.Pattern:
    pattern = []
    for part in parts:
        if part[0] == "text" and wildcards:
            pattern.append("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in part[1]))
        else:
            pattern.append(re.escape(part[1]))
    return re.compile("".join(pattern), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def wildcard_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """``*`` = any run of characters (``/`` and ``:`` included), ``?`` = one character."""
    return _regex([("text", pattern)], True, ignore_case).fullmatch(value) is not None


# --------------------------------------------------------------------------------------
# ARNs


def _split_parts(parts: list, limit: int = 5) -> list[list]:
    """Splits resolved parts into ARN segments at the colons of the policy text (at most
    ``limit`` times); colons inside substituted values (identity ids) never split."""
    segments: list[list] = [[]]
    for part in parts:
        if part[0] != "text":
            segments[-1].append(part)
            continue
        pieces = part[1].split(":")
        for index, piece in enumerate(pieces):
            if index and len(segments) <= limit:
                segments.append([])
            elif index:  # past the sixth segment: the colon is literal text
                segments[-1].append(("text", ":"))
            if piece:
                segments[-1].append(("text", piece))
    return segments


def arn_match(parts: list, arn: str) -> bool:
    """Resolved pattern parts against an ARN, part by part, ``*``/``?`` within a part."""
    actual = arn.split(":", 5)
    segments = _split_parts(parts)
    if len(actual) != 6 or len(segments) != 6:
        return False
    return all(_regex(segment, True).fullmatch(value) is not None for segment, value in zip(segments, actual))


@dataclass(frozen=True)
class ResourcePattern:
    raw: str
    text: Text | None  # None for "*"

    @classmethod
    def parse(cls, raw: str, variables: bool) -> "ResourcePattern":
        if not isinstance(raw, str):
            raise PolicyError(f"Resource must be a string, not {raw!r}")
        if raw == "*":
            return cls(raw, None)
        text = parse_text(raw, variables)
        colons = sum(part[1].count(":") for part in text.parts if part[0] == "text")
        if not raw.startswith("arn:") or colons < 5:
            raise PolicyError(f"Resource {raw!r} is neither '*' nor an ARN")
        return cls(raw, text)

    def matches(self, resource: str, context: Context) -> bool:
        if self.text is None:
            return True
        parts = self.text.resolve(context)
        return parts is not None and arn_match(parts, resource)


# --------------------------------------------------------------------------------------
# Conditions


@dataclass(frozen=True)
class Condition:
    operator: str  # as written, e.g. "ForAllValues:StringEquals"
    kind: str
    negated: bool
    if_exists: bool
    set_operator: str | None  # "ForAllValues" | "ForAnyValue" | None
    key: str  # lower-case
    values: tuple  # of Text (or the raw "true"/"false" for Bool/Null)

    def evaluate(self, context: Context) -> bool:
        present = lookup(context, self.key)
        if self.kind == "null":
            absent = present is None or present == []
            return any((value == "true") == absent for value in self.values)
        if self.set_operator is not None:
            request_values = present if isinstance(present, list) else ([] if present is None else [present])
            if not request_values:
                return self.set_operator == "ForAllValues"
            results = (self._one(value, context) for value in request_values)
            return all(results) if self.set_operator == "ForAllValues" else any(results)
        if present is None:
            return self.if_exists or self.negated
        if isinstance(present, list):
            # A multivalued key under a single-valued operator: AWS says to use a set
            # operator; we read it as "any value" (positive) / "no value" (negated).
            if self.negated:
                return all(self._one(value, context) for value in present)
            return any(self._one(value, context) for value in present)
        return self._one(present, context)

    def _one(self, value: str | None, context: Context) -> bool:
        """The operator applied to one request value: matches any policy value (positive)
        or none of them (negated)."""
        matched = value is not None and any(self._compare(expected, value, context) for expected in self.values)
        return not matched if self.negated else matched

    def _compare(self, expected, value: str, context: Context) -> bool:
        if self.kind == "bool":
            return value.lower() == expected
        parts = expected.resolve(context)
        if parts is None:
            return False
        if self.kind == "equals":
            return "".join(part[1] for part in parts) == value
        if self.kind == "equals_ci":
            return "".join(part[1] for part in parts).lower() == value.lower()
        if self.kind == "like":
            return _regex(parts, True).fullmatch(value) is not None
        # ARN operators compare part by part like Resource (ArnEquals and ArnLike behave alike).
        return arn_match(parts, value)


def _condition_values(raw) -> list:
    values = raw if isinstance(raw, list) else [raw]
    out = []
    for value in values:
        if isinstance(value, bool):
            out.append("true" if value else "false")
        elif isinstance(value, (str, int, float)):
            out.append(str(value))
        else:
            raise PolicyError(f"condition value {value!r} is not a string")
    return out


def parse_conditions(raw, variables: bool) -> tuple:
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise PolicyError("Condition must be an object")
    conditions = []
    for operator, keys in raw.items():
        set_operator, _, base = operator.rpartition(":")
        if set_operator not in ("", "ForAllValues", "ForAnyValue"):
            raise PolicyError(f"unknown set operator in {operator!r}")
        if_exists = base.endswith("IfExists") and base != "IfExists"
        if if_exists:
            base = base[: -len("IfExists")]
        if base not in _OPERATORS or (if_exists and base == "Null"):
            raise PolicyError(f"condition operator {operator!r} is not implemented by local-aws")
        kind, negated = _OPERATORS[base]
        if not isinstance(keys, dict) or not keys:
            raise PolicyError(f"condition {operator!r} needs an object of keys")
        for key, values in keys.items():
            strings = _condition_values(values)
            if kind in ("bool", "null"):
                if any(v.lower() not in ("true", "false") for v in strings):
                    raise PolicyError(f"{operator} {key} takes true or false")
                parsed = tuple(v.lower() for v in strings)
            else:
                parsed = tuple(parse_text(v, variables) for v in strings)
            conditions.append(Condition(operator, kind, negated, if_exists, set_operator or None, key.lower(), parsed))
    return tuple(conditions)


# --------------------------------------------------------------------------------------
# Statements and policies


def _strings(raw, element: str) -> list[str]:
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, str) for v in values):
        raise PolicyError(f"{element} must be a string or a list of strings")
    return values


@dataclass(frozen=True)
class Statement:
    effect: str
    actions: tuple
    not_actions: bool
    resources: tuple  # of ResourcePattern
    not_resources: bool
    conditions: tuple

    @classmethod
    def parse(cls, raw: dict, variables: bool) -> "Statement":
        if not isinstance(raw, dict):
            raise PolicyError("a Statement must be an object")
        unknown = set(raw) - _STATEMENT_KEYS
        if unknown:  # Principal/NotPrincipal belong in resource policies, not identity policies
            raise PolicyError(f"unsupported statement element(s) {sorted(unknown)}")
        effect = raw.get("Effect")
        if effect not in (ALLOW, DENY):
            raise PolicyError(f"Effect must be Allow or Deny, not {effect!r}")
        if ("Action" in raw) == ("NotAction" in raw):
            raise PolicyError("a statement needs exactly one of Action, NotAction")
        if ("Resource" in raw) == ("NotResource" in raw):
            raise PolicyError("a statement needs exactly one of Resource, NotResource")
        actions = _strings(raw.get("Action", raw.get("NotAction")), "Action")
        resources = _strings(raw.get("Resource", raw.get("NotResource")), "Resource")
        return cls(
            effect=effect,
            actions=tuple(actions),
            not_actions="NotAction" in raw,
            resources=tuple(ResourcePattern.parse(r, variables) for r in resources),
            not_resources="NotResource" in raw,
            conditions=parse_conditions(raw.get("Condition"), variables),
        )

    def applies(self, action: str, resource: str, context: Context) -> bool:
        action_hit = any(wildcard_match(pattern, action, ignore_case=True) for pattern in self.actions)
        if action_hit == self.not_actions:
            return False
        resource_hit = any(pattern.matches(resource, context) for pattern in self.resources)
        if resource_hit == self.not_resources:
            return False
        return all(condition.evaluate(context) for condition in self.conditions)

    def condition_keys(self) -> set[str]:
        keys = {condition.key for condition in self.conditions}
        texts = [text for condition in self.conditions if condition.kind not in ("bool", "null") for text in condition.values]
        texts += [pattern.text for pattern in self.resources if pattern.text is not None]
        for text in texts:
            keys.update(part[1] for part in text.parts if part[0] == "var" and part[1] is not None)
        return keys


@dataclass(frozen=True)
class Policy:
    statements: tuple = field(default_factory=tuple)

    @classmethod
    def parse(cls, document: dict) -> "Policy":
        if not isinstance(document, dict):
            raise PolicyError("a policy must be a JSON object")
        unknown = set(document) - {"Version", "Id", "Statement"}
        if unknown:
            raise PolicyError(f"unsupported policy element(s) {sorted(unknown)}")
        version = document.get("Version", "2008-10-17")
        if version not in ("2008-10-17", VARIABLES_VERSION):
            raise PolicyError(f"unknown policy Version {version!r}")
        raw = document.get("Statement", [])
        raw = raw if isinstance(raw, list) else [raw]
        return cls(tuple(Statement.parse(statement, version == VARIABLES_VERSION) for statement in raw))

    def condition_keys(self) -> set[str]:
        """Every condition key the policy reads (in conditions and policy variables), lower-case."""
        return set().union(*(statement.condition_keys() for statement in self.statements))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    explicit_deny: bool = False


def evaluate(policies: Iterable[Policy], action: str, resource: str, context: Context) -> Decision:
    """Identity-policy evaluation: an applicable Deny wins, else an applicable Allow, else deny."""
    allowed = False
    for policy in policies:
        for statement in policy.statements:
            if statement.applies(action, resource, context):
                if statement.effect == DENY:
                    return Decision(False, explicit_deny=True)
                allowed = True
    return Decision(allowed)
