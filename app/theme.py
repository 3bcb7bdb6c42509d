"""Design tokens: colours with contrast for older eyes, spacing, and a type scale that grows."""

from __future__ import annotations

from dataclasses import dataclass

import flet as ft

PRIMARY = "#0B5394"  # deep blue: 8.6:1 on white
ON_PRIMARY = "#FFFFFF"
DANGER = "#B3261E"  # allergy red: 6.0:1 on white
DANGER_CONTAINER = "#FDECEA"
ON_DANGER_CONTAINER = "#5F1410"
WARNING = "#8A4B00"
WARNING_CONTAINER = "#FFF3D6"
SUCCESS = "#1E6B34"
SUCCESS_CONTAINER = "#E4F4E8"
MUTED = "#44505C"  # secondary text: 8:1 on white
SURFACE = "#FFFFFF"
BACKGROUND = "#F3F6F9"
OUTLINE = "#8A96A3"

SPACE_XS = 4
SPACE_S = 8
SPACE_M = 12
SPACE_L = 16
SPACE_XL = 24
RADIUS = 12
TOUCH_TARGET = 48  # WCAG 2.5.5 / Material minimum
CONTENT_MAX_WIDTH = 880
WIDE_LAYOUT_MIN_WIDTH = 900


@dataclass(frozen=True)
class TypeScale:
    """Font sizes; large-text mode multiplies them and layouts reflow (no fixed heights)."""

    factor: float = 1.0

    def size(self, base: float) -> float:
        return round(base * self.factor, 1)

    @property
    def body(self) -> float:
        return self.size(17)

    @property
    def small(self) -> float:
        return self.size(15)

    @property
    def title(self) -> float:
        return self.size(20)

    @property
    def headline(self) -> float:
        return self.size(26)


NORMAL = TypeScale(1.0)
LARGE = TypeScale(1.35)


def page_theme() -> ft.Theme:
    return ft.Theme(color_scheme_seed=PRIMARY, use_material3=True)
