import warnings
warnings.simplefilter("error", UserWarning)
try:
    warnings.warn("now an error")
except UserWarning as exc:
    print("caught", exc)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    warnings.warn("recorded", FutureWarning)
print([(str(w.message), w.lineno, w.filename.endswith("warnings_filters.py")) for w in caught])
