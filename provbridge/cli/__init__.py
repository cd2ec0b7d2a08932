"""Command-line front end: a thin layer over the Python API."""
