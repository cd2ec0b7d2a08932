"""Old home of the stored-graph diff, now provbridge.manage.recorddiff (imports/ only ingests documents)."""

from __future__ import annotations

from provbridge.manage.recorddiff import RecordDiff, record_diff

__all__ = ["RecordDiff", "record_diff"]
