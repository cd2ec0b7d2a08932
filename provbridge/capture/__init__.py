"""Capture: instrumentation, runtime recorder, file hooks, value summaries, environment."""
