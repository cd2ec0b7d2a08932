"""Reports people read in a browser: trials, differences, plots and diagrams in one self-contained HTML file."""

from __future__ import annotations

from provbridge.report.page import Report, report, trial_html, write_report

__all__ = ["Report", "report", "trial_html", "write_report"]
