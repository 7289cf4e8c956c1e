"""Reliability and security: fault injection through the whole integration."""
