"""Plex Activities custom integration."""
