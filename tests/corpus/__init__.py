"""Correct implementations of the API, written the way people write them."""
