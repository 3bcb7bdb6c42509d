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


# Flutter's own widgets (buttons, fields, chips, the navigation, snackbars, dialogs) take their words'
# size from the text theme, not from our `ft.Text`s: Material 3's roles at sizes for older eyes
# (Material's own are 2 to 4 px smaller), multiplied by the reader's scale.
TEXT_ROLES = {
    "display_large": 48, "display_medium": 40, "display_small": 34,
    "headline_large": 30, "headline_medium": 28, "headline_small": 24,
    "title_large": 22, "title_medium": 18, "title_small": 16,
    "body_large": 17, "body_medium": 16, "body_small": 14,
    "label_large": 16, "label_medium": 14, "label_small": 13,  # buttons and chips; navigation labels; badges
}


def text_theme(scale: TypeScale) -> ft.TextTheme:
    return ft.TextTheme(**{role: ft.TextStyle(size=scale.size(base)) for role, base in TEXT_ROLES.items()})


def navigation_bar_height(scale: TypeScale) -> float:
    """Material's 80 px at least, with room for a second line of label: long Vietnamese words ("Trang chủ",
    "Tiêm chủng") wrap on a phone with six destinations, and in large text."""
    return max(80, round(56 + 2 * scale.size(TEXT_ROLES["label_medium"]) * 1.2))


def page_theme(scale: TypeScale = NORMAL) -> ft.Theme:
    """The page's theme for this reader: applied again when large text is switched."""
    label = ft.TextStyle(size=scale.size(TEXT_ROLES["label_medium"]))
    button = ft.ButtonStyle(
        text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["label_large"]), weight=ft.FontWeight.W_600),
        icon_size=scale.size(20),
        padding=ft.Padding.symmetric(horizontal=SPACE_L, vertical=SPACE_S),
    )
    return ft.Theme(
        color_scheme_seed=PRIMARY, use_material3=True,
        text_theme=text_theme(scale),
        filled_button_theme=ft.FilledButtonTheme(style=button),
        outlined_button_theme=ft.OutlinedButtonTheme(style=button),
        text_button_theme=ft.TextButtonTheme(style=button),
        button_theme=ft.ButtonTheme(style=button),
        segmented_button_theme=ft.SegmentedButtonTheme(style=button),
        navigation_bar_theme=ft.NavigationBarTheme(label_text_style=label, height=navigation_bar_height(scale)),
        chip_theme=ft.ChipTheme(label_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["label_large"]))),
        snackbar_theme=ft.SnackBarTheme(content_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_large"]))),
        dialog_theme=ft.DialogTheme(
            title_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["headline_small"]), weight=ft.FontWeight.BOLD),
            content_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_large"]))),
        tooltip_theme=ft.TooltipTheme(text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_small"]),
                                                              color=ON_PRIMARY)),
        list_tile_theme=ft.ListTileTheme(
            title_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_large"])),
            subtitle_text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_medium"]))),
        dropdown_theme=ft.DropdownTheme(text_style=ft.TextStyle(size=scale.size(TEXT_ROLES["body_large"]))),
    )
