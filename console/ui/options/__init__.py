"""The settings dialog: the dialog in ``dialog``, each of its pages in a module of its own."""
