"""Tests of the Plex client (no Home Assistant involved)."""
