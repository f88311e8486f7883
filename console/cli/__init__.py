"""The ``sms-console`` command line."""
