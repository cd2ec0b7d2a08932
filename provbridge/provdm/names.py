"""Prefixes and qualified names for the PROV-DM syntaxes: stable generated prefixes, XML-safe local names.

Generated prefixes are derived from the namespace IRI itself (its last word, else ``ns``), with a short
hash of the IRI appended on a clash, so a namespace always gets the same prefix, whatever else the
document holds or the order it is read in. In PROV-XML a local name must be an XML NCName: an IRI
whose last segment is not one (``…/8f5e…``, ``…/a=b``) is split before the longest NCName it ends with
(``…/8`` + ``f5e…``) under a generated prefix, so every reader gets the same IRI back. Only an IRI that
ends with no NCName at all (``…/12345``) is escaped: written under an escaping prefix (``<prefix>_x``,
bound to the same namespace) with every character an NCName cannot hold written ``_xHHHH_`` (as in
.NET's ``XmlConvert.EncodeName``); our PROV-XML reader decodes names under such prefixes, other readers
see the escaped name.
"""

from __future__ import annotations

import hashlib
import re

from provbridge.provdm.model import PROV, RDF, RDFS, XSD

WELL_KNOWN: dict[str, str] = {"prov": PROV, "xsd": XSD, "rdf": RDF, "rdfs": RDFS}
# blank nodes become IRIs here: genid + "b" + 16 hex digits of a hash of the node's triples (see provdm.rdf)
GENID = "https://w3id.org/provbridge/.well-known/genid/"
GENID_PREFIX = "genid"
ESCAPE_SUFFIX = "_x"

_NAME_START = (
    "A-Z_a-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd"
)
_NAME_CHAR = _NAME_START + r"\-.0-9\u00b7\u0300-\u036f\u203f-\u2040"
NCNAME = re.compile(f"[{_NAME_START}][{_NAME_CHAR}]*")
_START = re.compile(f"[{_NAME_START}]")
_CHAR = re.compile(f"[{_NAME_CHAR}]")
_ENCODED = re.compile(r"_x([0-9A-F]{4,6})_")
# PROV-N local names (PN_LOCAL): name characters and PN_CHARS_OTHERS plain, PN_CHARS_ESC after a "\\"
PROVN_ESCAPED = set("='(),:;[]")
_PROVN_PLAIN = re.compile(f"[{_NAME_CHAR}/@~&+*?#$!]")
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")


def is_ncname(text: str) -> bool:
    """Whether ``text`` is an XML NCName (a valid prefix or local name)."""
    return NCNAME.fullmatch(text) is not None


def encode_ncname(text: str) -> str:
    """``text`` as an NCName: characters it cannot hold (and a literal ``_x``) written ``_xHHHH_``."""
    out: list[str] = []
    for index, char in enumerate(text):
        ok = _START.fullmatch(char) if index == 0 else _CHAR.fullmatch(char)
        if not ok or (char == "_" and text.startswith("_x", index)):
            out.append(f"_x{ord(char):04X}_")
        else:
            out.append(char)
    return "".join(out) or "_x_"


def decode_ncname(text: str) -> str:
    """The inverse of :func:`encode_ncname`."""
    if text == "_x_":
        return ""
    return _ENCODED.sub(lambda m: chr(int(m.group(1), 16)), text)


def split_iri(iri: str) -> tuple[str, str]:
    """(namespace, local name): cut after the last ``#``, ``/`` or ``:`` (the whole IRI when none)."""
    cut = max(iri.rfind("#"), iri.rfind("/"), iri.rfind(":")) + 1
    return (iri[:cut], iri[cut:]) if cut > 0 else (iri, "")


def prefix_for(namespace: str, taken: dict[str, str]) -> str:
    """A prefix for ``namespace``: its well-known one, else its last word, else ``ns``; a short hash of the
    namespace is appended when that name is taken by another namespace (``taken``: prefix -> namespace)."""
    for name, iri in WELL_KNOWN.items():
        if iri == namespace and taken.get(name, iri) == iri:
            return name
    if namespace == GENID and taken.get(GENID_PREFIX, GENID) == GENID:
        return GENID_PREFIX
    words = [w for w in re.split(r"[^A-Za-z0-9]+", namespace) if w and w[0].isalpha()]
    stop = {"http", "https", "www", "urn", "org", "com", "net", "ns", "html", "ttl", "owl", "rdf", "uuid"}
    words = [w for w in words if w.lower() not in stop]
    base = words[-1].lower()[:12] if words else "ns"
    if not is_ncname(base) or base.lower().startswith("xml"):
        base = "ns"
    if taken.get(base, namespace) == namespace:
        return base
    digest = hashlib.sha256(namespace.encode("utf-8")).hexdigest()
    for size in (4, 8, 64):
        name = f"{base}_{digest[:size]}"
        if taken.get(name, namespace) == namespace:
            return name
    raise ValueError(f"no free prefix for {namespace}")  # pragma: no cover - a sha256 clash


class Names:
    """Qualified names over a document's prefixes, adding a stable generated prefix where none fits.

    ``xml=True`` makes every local name an NCName (escaping as described in the module docstring);
    ``provn=True`` escapes PROV-N's special characters with ``\\``."""

    def __init__(self, namespaces: dict[str, str], *, xml: bool = False, provn: bool = False) -> None:
        self.prefixes: dict[str, str] = {}
        for prefix, iri in sorted(namespaces.items()):
            if prefix and is_ncname(prefix) and (not xml or not prefix.lower().startswith("xml")):
                self.prefixes.setdefault(prefix, iri)
        self.xml = xml
        self.provn = provn
        self._cache: dict[str, str] = {}
        self._by_length = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    def add_namespace(self, namespace: str) -> str:
        """The prefix of ``namespace``, declared with a generated name if it has none."""
        for prefix, iri in self._by_length:
            if iri == namespace:
                return prefix
        prefix = prefix_for(namespace, self.prefixes)
        self.prefixes[prefix] = namespace
        self._by_length = sorted(self.prefixes.items(), key=lambda item: (-len(item[1]), item[0]))
        return prefix

    def qname(self, iri: str) -> str:
        """``prefix:local`` for ``iri``."""
        found = self._cache.get(iri)
        if found is None:
            found = self._cache[iri] = self._qname(iri)
        return found

    def _fits(self, local: str) -> bool:
        if self.xml:
            return is_ncname(local)
        rest = _PERCENT.sub("", local)
        return "%" not in rest and all(_PROVN_PLAIN.fullmatch(c) or c in PROVN_ESCAPED for c in rest)

    def _qname(self, iri: str) -> str:
        for prefix, namespace in self._by_length:
            if iri.startswith(namespace) and self._fits(iri[len(namespace):]):
                if iri[len(namespace):] or not self.xml:
                    return self._render(prefix, iri[len(namespace):])
        namespace, local = split_iri(iri)
        if self.xml and not is_ncname(local):  # the longest NCName the IRI ends with, under its own prefix
            cut = next((i for i in range(1, len(local)) if is_ncname(local[i:])), None)
            if cut is not None:
                namespace, local = namespace + local[:cut], local[cut:]
        if not self._fits(local) or (self.xml and not local):
            if self.xml:
                prefix = self.add_namespace(namespace)
                escaped = prefix + ESCAPE_SUFFIX
                if self.prefixes.get(escaped, namespace) != namespace:
                    escaped = prefix_for(namespace, self.prefixes) + ESCAPE_SUFFIX
                self.prefixes[escaped] = namespace
                return f"{escaped}:{encode_ncname(local)}"
            namespace, local = iri, ""
        return self._render(self.add_namespace(namespace), local)

    def _render(self, prefix: str, local: str) -> str:
        if self.provn:
            local = "".join("\\" + c if c in PROVN_ESCAPED else c for c in local)
            if local.endswith("."):
                local = local[:-1] + "\\."
            if local.startswith((".", "-")):
                local = "\\" + local
        return f"{prefix}:{local}"

    def used(self) -> dict[str, str]:
        """Every prefix declared so far (the document's and the generated ones), sorted."""
        return dict(sorted(self.prefixes.items()))


def expand(qname: str, prefixes: dict[str, str], *, xml: bool = False) -> str:
    """The IRI of ``prefix:local`` (PROV-N escapes removed; PROV-XML escapes decoded under ``*_x``
    prefixes); a string whose prefix is not declared is taken as an IRI already."""
    prefix, colon, local = qname.partition(":")
    if not colon:
        prefix, local = "", qname
    namespace = prefixes.get(prefix)
    if namespace is None:
        if prefix in WELL_KNOWN:
            namespace = WELL_KNOWN[prefix]
        elif not colon and "" in prefixes:
            namespace = prefixes[""]
        else:
            return qname
    if xml and prefix.endswith(ESCAPE_SUFFIX):
        local = decode_ncname(local)
    elif "\\" in local:
        local = re.sub(r"\\(.)", r"\1", local)
    return namespace + local
