"""Experiment management: trial tables, diffs, values across trials, plots, artifacts, verification."""
