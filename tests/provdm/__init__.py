"""Tests of the in-memory PROV-DM model, its readers and writers, and PROV-CONSTRAINTS."""
