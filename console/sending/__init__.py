"""Sending MT requests: one attempt, the retry policy, pacing, and the engine tying them."""
