"""The chaos soak: random activities and faults against the real integration."""
