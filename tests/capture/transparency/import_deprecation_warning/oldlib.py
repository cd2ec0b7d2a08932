import warnings
warnings.warn("oldlib is deprecated", DeprecationWarning, stacklevel=2)
NAME = "oldlib"
def old_function():
    warnings.warn("old_function is deprecated", DeprecationWarning, stacklevel=2)
