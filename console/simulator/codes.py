"""The provider's numeric codes, as the simulator speaks them.

Kept apart from the client's own catalogue on purpose: the simulator stands in for the
provider and must not share the code it is meant to check.
"""

from __future__ import annotations

from enum import IntEnum


class MtResult(IntEnum):
    """``result_code`` in the answer to an MT request."""

    QUEUED = 0
    REQUEST_INVALID = 1
    AUTHENTICATION_FAILED = 2
    CARRIER_INVALID = 3
    SOURCE_NOT_ALLOWED = 4
    SOURCE_DENIED = 5
    THROTTLED = 6
    DUPLICATE = 7
    BODY_TOO_LONG = 8
    INTERNAL_ERROR = 98
    OTHER_ERROR = 99


class MessageState(IntEnum):
    """``message_state`` in a delivery receipt."""

    EN_ROUTE = 1
    DELIVERED = 2
    EXPIRED = 3
    DELETED = 4
    UNDELIVERABLE = 5
    ACCEPTED = 6
    UNKNOWN = 7
    REJECTED = 8


class ReceiptResult(IntEnum):
    """``result_code`` in a delivery receipt: the detail behind the state."""

    SUCCESS = 0
    UPSTREAM_REJECTED = 1
    AUTHENTICATION_FAILURE = 2
    CARRIER_INVALID = 3
    ALPHANUMERIC_NOT_PERMITTED = 4
    SHORTCODE_NOT_ALLOWED = 5
    THROTTLED = 6
    DUPLICATE = 7
    BODY_TOO_LONG = 8
    INTERNAL_ERROR = 98
    UNMAPPED_ERROR = 99


PRIORITIES = frozenset({"BULK_LOW", "BULK", "INTERACTIVE_LOW", "INTERACTIVE"})
DEFAULT_PRIORITY = "BULK"
RECEIPT_VALUES = frozenset({"TRUE", "FALSE"})
