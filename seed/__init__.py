"""The only writer: loads published figures (seed/data) and generated test data."""
