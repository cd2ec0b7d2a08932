"""Documents for the provdm tests: the ``prov`` wheel's corpus, a CWLProv-like run, an Alpaca-like one."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import prov

from provbridge.provdm.model import Document, Record, canonical

CORPUS = Path(prov.__file__).parent / "tests"

# A cwltool-like run: one workflow activity associated with two agents, each with its plan (cwltool writes
# the shortcut and the qualified form of each), a step typed only by a wfprov class with its times, a
# blank-node input, a provenance bundle described in the default graph, a collection, specialization,
# alternate, prov:generated, mentionOf, and ids whose local names are not XML names.
CWLPROV_TRIG = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix wfprov: <http://purl.org/wf4ever/wfprov#> .
@prefix id: <urn:uuid:> .
@prefix ex: <http://example.org/run/> .

ex:provenance a prov:Bundle ;
    prov:generatedAtTime "2024-05-01T10:00:05+00:00"^^xsd:dateTime ;
    prov:wasAttributedTo ex:cwltool .

ex:provenance {
    id:8f5e0c1a-0000-4000-8000-000000000001 a wfprov:WorkflowRun, prov:Activity ;
        rdfs:label "workflow run" ;
        prov:startedAtTime "2024-05-01T10:00:00+00:00"^^xsd:dateTime ;
        prov:endedAtTime "2024-05-01T10:00:04+00:00"^^xsd:dateTime ;
        prov:wasAssociatedWith ex:cwltool, ex:ada ;
        prov:qualifiedAssociation
            [ a prov:Association ; prov:agent ex:cwltool ; prov:hadPlan ex:main.cwl ] ,
            [ a prov:Association ; prov:agent ex:ada ; prov:hadPlan ex:job.yml ; prov:hadRole ex:submitter ] .
    ex:cwltool a prov:SoftwareAgent ; rdfs:label "cwltool 3.1" .
    ex:ada a prov:Person ; foaf:name "Ada" ; prov:actedOnBehalfOf ex:lab .
    ex:main.cwl a prov:Plan ; rdfs:label "main.cwl" .
    ex:job.yml a prov:Plan .
    ex:step1 a wfprov:ProcessRun ;
        prov:startedAtTime "2024-05-01T10:00:01+00:00"^^xsd:dateTime ;
        prov:endedAtTime "2024-05-01T10:00:03+00:00"^^xsd:dateTime ;
        prov:wasInformedBy id:8f5e0c1a-0000-4000-8000-000000000001 ;
        prov:used _:input ;
        prov:generated ex:12345 .
    _:input a prov:Entity ; rdfs:label "input.txt" ; prov:value "hello" .
    ex:12345 a prov:Entity ; prov:wasDerivedFrom _:input ; prov:specializationOf ex:content .
    ex:outputs a prov:Collection ; prov:hadMember ex:12345 .
    ex:copy prov:alternateOf ex:12345 .
    ex:12345 prov:qualifiedGeneration ex:gen1 .
    ex:gen1 a prov:Generation ; prov:activity ex:step1 ; prov:atTime "2024-05-01T10:00:02+00:00"^^xsd:dateTime ;
        prov:hadRole ex:output .
}

ex:later {
    ex:report a prov:Entity ; prov:mentionOf ex:12345 ; prov:asInBundle ex:provenance .
}
"""

# Qualified associations as blank nodes, as cwltool writes them (and no other blank node): the prov package's
# reader kept one association per activity, the plan on an agent chosen at random each run
ASSOCIATIONS_TTL = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/run/> .

ex:run a prov:Activity ;
    prov:wasAssociatedWith ex:cwltool, ex:ada ;
    prov:qualifiedAssociation [ a prov:Association ; prov:agent ex:cwltool ; prov:hadPlan ex:main.cwl ] ,
        [ a prov:Association ; prov:agent ex:ada ; prov:hadPlan ex:job.yml ] .
ex:cwltool a prov:SoftwareAgent .
ex:ada a prov:Person .
ex:main.cwl a prov:Plan .
ex:job.yml a prov:Plan .
"""

# One association node naming two agents and a plan (read as two associations sharing the id): the prov
# package's reader gave them in a different order on each run
SHARED_ASSOCIATION_TTL = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <http://example.org/run/> .

ex:run a prov:Activity ; prov:wasAssociatedWith ex:cwltool, ex:ada ; prov:qualifiedAssociation ex:assoc .
ex:assoc a prov:Association ; prov:agent ex:cwltool, ex:ada ; prov:hadPlan ex:main.cwl .
ex:cwltool a prov:SoftwareAgent .
ex:ada a prov:Person .
"""

# A bundle described where it is used (the prov package's reader dropped prov:Bundle nodes and their metadata)
BUNDLE_TTL = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/run/> .

ex:provenance a prov:Bundle ;
    prov:generatedAtTime "2024-05-01T10:00:05+00:00"^^xsd:dateTime ;
    prov:wasAttributedTo ex:cwltool .
ex:cwltool a prov:SoftwareAgent .
ex:report a prov:Entity ; prov:mentionOf ex:output ; prov:asInBundle ex:provenance .
"""

# Alpaca-like: executions typed only by the tool's own classes, with PROV times and properties
ALPACA_TTL = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix alpaca: <http://alpaca.example/ontology#> .
@prefix ex: <urn:fz-juelich.de:alpaca:> .

ex:execution:1 a alpaca:FunctionExecution ;
    prov:startedAtTime "2022-05-02T12:34:56.123456"^^xsd:dateTime ;
    prov:endedAtTime "2022-05-02T12:34:57.000001"^^xsd:dateTime ;
    alpaca:executionOrder 1 ;
    prov:used ex:object:a ;
    prov:wasAssociatedWith ex:script .
ex:object:a a alpaca:DataObjectEntity ; alpaca:hash "3f2a" .
ex:object:b a alpaca:DataObjectEntity ; prov:wasGeneratedBy ex:execution:1 ; prov:wasDerivedFrom ex:object:a .
ex:script a alpaca:ScriptAgent ; alpaca:scriptPath "/home/user/script.py" .
"""


def corpus_files(directory: str, suffix: str) -> list[Path]:
    return sorted(p for p in (CORPUS / directory).iterdir() if p.suffix == suffix)


def unify(document: Document) -> Document:
    """Records of one kind sharing an id merged when their arguments agree (PROV-CONSTRAINTS' unification;
    RDF merges them into one node while PROV-JSON and PROV-N may list them apart)."""

    def merge(records: tuple[Record, ...]) -> tuple[Record, ...]:
        merged: dict[tuple[str, str], list[Record]] = {}
        others: list[Record] = []
        for record in records:
            if record.id is None:
                others.append(record)
                continue
            group = merged.setdefault((record.kind, record.id), [])
            for index, found in enumerate(group):
                known = found.arguments
                if all(known.get(k, v) == v for k, v in record.args):
                    args = tuple(dict([*found.args, *record.args]).items())
                    group[index] = replace(found, args=args, attrs=found.attrs + record.attrs)
                    break
            else:
                group.append(record)
        return (*(r for group in merged.values() for r in group), *others)

    bundles = tuple(replace(b, records=merge(b.records)) for b in document.bundles)
    return replace(document, records=merge(document.records), bundles=bundles)


def same(first: Document, second: Document) -> bool:
    """Whether two documents hold the same records (unified by id, repeats ignored)."""
    return canonical(unify(first)) == canonical(unify(second))

# One instance of every row of PROV-O's qualified-pattern table (W3C PROV-O, section 3.3), written for these
# tests in the style of the spec's examples (ex: subjects, blank and named influence nodes)
QUALIFIED_TTL = """\
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <http://example.org/> .

ex:chart prov:qualifiedGeneration [ a prov:Generation ; prov:activity ex:illustrate ;
    prov:atTime "2012-04-03T00:00:01Z"^^xsd:dateTime ] .
ex:illustrate prov:qualifiedUsage ex:use1 .
ex:use1 a prov:Usage ; prov:entity ex:data ; prov:hadRole ex:input ; prov:atLocation ex:lab .
ex:illustrate prov:qualifiedCommunication [ a prov:Communication ; prov:activity ex:aggregate ] .
ex:illustrate prov:qualifiedStart [ a prov:Start ; prov:entity ex:email ; prov:hadActivity ex:boss ;
    prov:atTime "2012-04-03T00:00:00Z"^^xsd:dateTime ] .
ex:illustrate prov:qualifiedEnd [ a prov:End ; prov:entity ex:done ] .
ex:draft prov:qualifiedInvalidation [ a prov:Invalidation ; prov:activity ex:illustrate ] .
ex:chart prov:qualifiedDerivation [ a prov:Derivation ; prov:entity ex:data ; prov:hadActivity ex:illustrate ;
    prov:hadGeneration ex:gen9 ; prov:hadUsage ex:use1 ] .
ex:chart2 prov:qualifiedRevision [ a prov:Revision ; prov:entity ex:chart ] .
ex:quote prov:qualifiedQuotation [ a prov:Quotation ; prov:entity ex:article ] .
ex:article prov:qualifiedPrimarySource [ a prov:PrimarySource ; prov:entity ex:census ] .
ex:chart prov:qualifiedAttribution [ a prov:Attribution ; prov:agent ex:derek ] .
ex:illustrate prov:qualifiedAssociation [ a prov:Association ; prov:agent ex:derek ; prov:hadRole ex:illustrator ;
    prov:hadPlan ex:instructions ] .
ex:derek prov:qualifiedDelegation [ a prov:Delegation ; prov:agent ex:chartgen ; prov:hadActivity ex:illustrate ] .
ex:chart prov:qualifiedInfluence [ a prov:Influence ; prov:influencer ex:trend ] .
"""
