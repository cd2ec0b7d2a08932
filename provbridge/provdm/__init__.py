"""PROV-DM documents in memory, mapped to and from PROV-O, PROV-JSON, PROV-XML and PROV-N (no ``prov`` package)."""
