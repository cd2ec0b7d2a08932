"""The provbridge version, in one place (read by the package, the build and the CLI)."""

__version__ = "0.2.0"
