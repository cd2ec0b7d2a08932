"""Size and cost bounds of value summaries, and the summary tuple type."""

from __future__ import annotations

from typing import Any

Summary = tuple[str, object, str, "str | None"]
"""``(type_name, scalar, repr_text, summary_json)`` as stored for one variable version."""
Described = tuple[str, object, str, "dict[str, Any] | None"]
"""The same with the summary still a dict (before JSON encoding)."""

REPR_LIMIT = 120
"""Maximum length of the ``repr_text`` of a value."""
PREVIEW_REPR_LIMIT = 40
"""Maximum length of each item of a ``preview``."""
PREVIEW_ITEMS = 5
"""Number of items in a ``preview``."""
SCALAR_STR_LIMIT = 200
"""Strings up to this length are stored exactly as the scalar value."""
FULL_HASH_LIMIT = 1024 * 1024
"""Arrays/frames up to this many bytes are hashed (and their stats computed) in full while recording.
Larger ones are sampled on every binding, and the final top-level values of a trial are hashed again in
full up to FINAL_HASH_LIMIT (``summarize_final``), so comparisons of trials' results are exact while the
recording stays cheap."""
FINAL_HASH_LIMIT = 256 * 1024 * 1024
"""Limit of full hashing for final values (``summarize_final``)."""
SAMPLE_BYTES = 256 * 1024
"""Size of the fixed sample hashed for larger arrays/frames/texts."""
SAMPLE_MAX_ITEMS = 64 * 1024
"""Cap on the number of elements (or rows) in a sample."""
SAMPLE_BLOCKS = 16
"""Number of evenly strided blocks in a sample (besides its head and tail)."""
TEXT_FULL_HASH_LIMIT = 1024 * 1024
"""str/bytes up to this many characters/bytes are hashed in full."""
CONTAINER_HASH_ITEMS = 1000
"""Containers with at most this many (nested) scalar-like items get a sha256."""
CONTAINER_HASH_BYTES = 1024 * 1024
"""... and at most this many bytes of str/bytes content."""
MAX_COLUMNS = 50
"""Bound on ``columns``/``dtypes``/``stats`` entries of a frame and on estimator ``params``/``fitted``."""
MAX_ATTRS = 20
"""Bound on the ``attrs`` of a plain object."""

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
ELLIPSIS = "…"
