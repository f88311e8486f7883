"""The operator window: Qt widgets, item models and dialogs over the service modules."""
