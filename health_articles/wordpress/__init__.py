"""Import of WordPress exports (WXR) as health articles."""
