"""Tests of the Plex Activities integration."""
