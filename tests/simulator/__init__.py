"""Tests of the Plex Media Server simulator (no Home Assistant needed)."""
