"""The PROV-O terms of the qualified-pattern tables (W3C PROV-O section 3.3 and 4.1), keyed by PROV-DM kind."""

from __future__ import annotations

from typing import NamedTuple

from provbridge.provdm.model import PROV, RDF, RDFS


class Pattern(NamedTuple):
    """How one PROV-DM relation is written in PROV-O: ``subject shortcut object`` (unqualified) and
    ``subject qualified node . node a cls ; target object`` with ``extra`` properties -> argument names."""

    kind: str
    shortcut: str
    qualified: str
    cls: str
    subject: str  # argument name of the subject (first formal argument)
    object: str  # argument name of the second formal argument
    target: str  # property of the influence node that points at ``object``
    extra: tuple[tuple[str, str], ...]  # (property of the influence node, argument name)
    subtype: str | None = None  # prov:type the pattern implies (derivation subtypes)


def _p(local: str) -> str:
    return PROV + local


_TIME = ((_p("atTime"), "prov:time"),)
_DERIVATION_EXTRA = (
    (_p("hadActivity"), "prov:activity"),
    (_p("hadGeneration"), "prov:generation"),
    (_p("hadUsage"), "prov:usage"),
)

PATTERNS: tuple[Pattern, ...] = (
    Pattern("wasGeneratedBy", _p("wasGeneratedBy"), _p("qualifiedGeneration"), _p("Generation"),
            "prov:entity", "prov:activity", _p("activity"), _TIME),
    Pattern("used", _p("used"), _p("qualifiedUsage"), _p("Usage"), "prov:activity", "prov:entity", _p("entity"), _TIME),
    Pattern("wasInformedBy", _p("wasInformedBy"), _p("qualifiedCommunication"), _p("Communication"),
            "prov:informed", "prov:informant", _p("activity"), ()),
    Pattern("wasStartedBy", _p("wasStartedBy"), _p("qualifiedStart"), _p("Start"), "prov:activity", "prov:trigger",
            _p("entity"), ((_p("hadActivity"), "prov:starter"), *_TIME)),
    Pattern("wasEndedBy", _p("wasEndedBy"), _p("qualifiedEnd"), _p("End"), "prov:activity", "prov:trigger",
            _p("entity"), ((_p("hadActivity"), "prov:ender"), *_TIME)),
    Pattern("wasInvalidatedBy", _p("wasInvalidatedBy"), _p("qualifiedInvalidation"), _p("Invalidation"),
            "prov:entity", "prov:activity", _p("activity"), _TIME),
    Pattern("wasDerivedFrom", _p("wasDerivedFrom"), _p("qualifiedDerivation"), _p("Derivation"),
            "prov:generatedEntity", "prov:usedEntity", _p("entity"), _DERIVATION_EXTRA),
    Pattern("wasDerivedFrom", _p("wasRevisionOf"), _p("qualifiedRevision"), _p("Revision"),
            "prov:generatedEntity", "prov:usedEntity", _p("entity"), _DERIVATION_EXTRA, _p("Revision")),
    Pattern("wasDerivedFrom", _p("wasQuotedFrom"), _p("qualifiedQuotation"), _p("Quotation"),
            "prov:generatedEntity", "prov:usedEntity", _p("entity"), _DERIVATION_EXTRA, _p("Quotation")),
    Pattern("wasDerivedFrom", _p("hadPrimarySource"), _p("qualifiedPrimarySource"), _p("PrimarySource"),
            "prov:generatedEntity", "prov:usedEntity", _p("entity"), _DERIVATION_EXTRA, _p("PrimarySource")),
    Pattern("wasAttributedTo", _p("wasAttributedTo"), _p("qualifiedAttribution"), _p("Attribution"),
            "prov:entity", "prov:agent", _p("agent"), ()),
    Pattern("wasAssociatedWith", _p("wasAssociatedWith"), _p("qualifiedAssociation"), _p("Association"),
            "prov:activity", "prov:agent", _p("agent"), ((_p("hadPlan"), "prov:plan"),)),
    Pattern("actedOnBehalfOf", _p("actedOnBehalfOf"), _p("qualifiedDelegation"), _p("Delegation"),
            "prov:delegate", "prov:responsible", _p("agent"), ((_p("hadActivity"), "prov:activity"),)),
    Pattern("wasInfluencedBy", _p("wasInfluencedBy"), _p("qualifiedInfluence"), _p("Influence"),
            "prov:influencee", "prov:influencer", _p("influencer"), ()),
)
BY_QUALIFIED = {p.qualified: p for p in PATTERNS}
BY_SHORTCUT = {p.shortcut: p for p in PATTERNS}
BY_CLASS = {p.cls: p for p in PATTERNS}
# the pattern a record is written with: derivation subtypes by their prov:type
SUBTYPES = {p.subtype: p for p in PATTERNS if p.subtype}
BASE = {p.kind: p for p in PATTERNS if p.subtype is None}
# the other properties an influence node may use for its target (sub-properties of prov:influencer)
TARGETS = (_p("influencer"), _p("entity"), _p("activity"), _p("agent"))

# unqualified relations: kind -> (predicate, subject argument, object argument)
SIMPLE = {
    "specializationOf": (_p("specializationOf"), "prov:specificEntity", "prov:generalEntity"),
    "alternateOf": (_p("alternateOf"), "prov:alternate1", "prov:alternate2"),
    "hadMember": (_p("hadMember"), "prov:collection", "prov:entity"),
    "mentionOf": (_p("mentionOf"), "prov:specificEntity", "prov:generalEntity"),
}
BY_SIMPLE = {predicate: kind for kind, (predicate, _, _) in SIMPLE.items()}
AS_IN_BUNDLE = _p("asInBundle")
# inverse properties of PROV-O's expanded terms: predicate -> (pattern kind), subject and object swap
INVERSES = {
    _p("generated"): "wasGeneratedBy", _p("invalidated"): "wasInvalidatedBy", _p("influenced"): "wasInfluencedBy"
}

ELEMENT_CLASSES: dict[str, str] = {
    _p("Entity"): "entity", _p("Activity"): "activity", _p("Agent"): "agent",
}
SUBCLASSES: dict[str, str] = {
    _p(name): "entity" for name in ("Plan", "Collection", "EmptyCollection", "Bundle", "Dictionary", "EmptyDictionary")
}
SUBCLASSES.update({_p(name): "agent" for name in ("Person", "Organization", "SoftwareAgent")})

# element times: property -> (element kind, argument or relation)
START, END = _p("startedAtTime"), _p("endedAtTime")
GENERATED_AT, INVALIDATED_AT = _p("generatedAtTime"), _p("invalidatedAtTime")

# attributes with their own PROV-O property: PROV-DM attribute -> RDF predicate
ATTRIBUTE_PREDICATES = {
    PROV + "label": RDFS + "label",
    PROV + "location": PROV + "atLocation",
    PROV + "role": PROV + "hadRole",
    PROV + "value": PROV + "value",
}
PREDICATE_ATTRIBUTES = {predicate: attribute for attribute, predicate in ATTRIBUTE_PREDICATES.items()}
RDF_TYPE = RDF + "type"
PROV_TYPE = PROV + "type"

# the domain (and range) a PROV-O property gives its subject (object): evidence of an untyped node's kind
DOMAINS: dict[str, str] = {}
RANGES: dict[str, str] = {}
for _pattern in PATTERNS:
    _subject_kind = {"prov:entity": "entity", "prov:activity": "activity", "prov:informed": "activity",
                     "prov:generatedEntity": "entity", "prov:delegate": "agent"}.get(_pattern.subject)
    if _subject_kind:
        DOMAINS[_pattern.shortcut] = DOMAINS[_pattern.qualified] = _subject_kind
    _object_kind = {"prov:activity": "activity", "prov:entity": "entity", "prov:informant": "activity",
                    "prov:trigger": "entity", "prov:usedEntity": "entity", "prov:agent": "agent",
                    "prov:responsible": "agent"}.get(_pattern.object)
    if _object_kind:
        RANGES[_pattern.shortcut] = _object_kind
for _predicate in (START, END, _p("generated"), _p("invalidated")):
    DOMAINS[_predicate] = "activity"
for _predicate in (GENERATED_AT, INVALIDATED_AT, _p("specializationOf"), _p("alternateOf"), _p("hadMember"),
                   _p("mentionOf"), AS_IN_BUNDLE, _p("value")):
    DOMAINS[_predicate] = "entity"
for _predicate in (_p("specializationOf"), _p("alternateOf"), _p("hadMember"), _p("mentionOf"), _p("hadPlan")):
    RANGES[_predicate] = "entity"
