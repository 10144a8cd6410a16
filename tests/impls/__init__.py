"""Broken user modules for testing that rnn-verify reports instead of crashing."""
