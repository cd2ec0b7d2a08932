"""Top docstring."""
print(__doc__, __debug__)
