"""Notebook capture: the IPython extension, the provbridge kernelspec and headless notebook runs."""

from __future__ import annotations

from provbridge.notebook.api import current_trial, name_trial, new_trial, tag, tag_cell, tag_trial

__all__ = ["current_trial", "name_trial", "new_trial", "tag", "tag_cell", "tag_trial"]
