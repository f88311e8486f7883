"""The provider's HTTP API as pure data: requests, answers, codes, segments, numbers.

Nothing in this package does I/O or imports Qt.
"""
