"""Widgets made with a name and properties in one expression."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QLabel

from console.ui.named import named


def test_a_widget_gets_its_name_and_properties(qtbot):
    label = named(QLabel("hi"), "greeting", wordWrap=True)
    qtbot.addWidget(label)
    assert (label.objectName(), label.wordWrap(), label.text()) == ("greeting", True, "hi")


def test_a_misspelt_property_is_an_error_not_a_silent_no_op(qtbot):
    with pytest.raises(AttributeError, match="QLabel has no property 'wordwrap'"):
        named(QLabel(), "x", wordwrap=True)
