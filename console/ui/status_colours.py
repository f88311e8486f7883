"""Text colours for good, bad and doubtful news, shared by the compose pane's modules."""

OK_COLOUR = "#1a7f37"
ERROR_COLOUR = "#c62828"
WARNING_COLOUR = "#b26a00"
MUTED_COLOUR = "#6e7781"
