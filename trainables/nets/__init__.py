"""Network builders, each family's in its own module, each axis in a registry."""
