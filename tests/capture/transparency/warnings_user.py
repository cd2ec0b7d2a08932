import warnings
warnings.warn("top level warning")
def helper():
    warnings.warn("helper warning", stacklevel=2)
helper()
def deep():
    warnings.warn("deprecated thing", DeprecationWarning, stacklevel=2)
deep()
warnings.warn("a runtime issue", RuntimeWarning)
