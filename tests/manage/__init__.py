"""Tests of experiment management."""
