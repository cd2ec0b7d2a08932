"""PROV-DM documents in memory, mapped to and from PROV-O, PROV-JSON, PROV-XML and PROV-N (no ``prov`` package).

``model`` holds the documents, ``rdf``/``rdfwrite`` the PROV-O mapping, ``provjson``, ``provxml``, ``provn``
(writer) and ``provn_read`` the PROV syntaxes, ``syntax`` the table of every syntax, ``names`` the prefixes.
"""
