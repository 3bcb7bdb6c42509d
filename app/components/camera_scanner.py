"""Camera scanning for the desks: a picture every half second, the QR code found on the server (phones
need no barcode library of their own). Stops, with what went wrong in words, when it cannot go on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import flet as ft

from api_client.errors import ApiError, Offline

from .. import theme
from ..services.session import user_message
from . import use_ui

CAMERA_INTERVAL_SECONDS = 0.5


@ft.component
def CameraScanner(decode: Callable[[bytes], Awaitable[str]], on_code: Callable[[str], Awaitable[None]],
                  on_message: Callable[[str], None], no_camera: str):
    """`decode` asks the server for the code in a picture; a picture without one (422) is simply the next
    try, any other refusal ends the scan."""
    import flet_camera as fc

    _state, ui = use_ui()
    camera = ft.use_ref(None)

    async def scan() -> None:
        cameras = await camera.current.get_available_cameras()
        if not cameras:
            on_message(no_camera)
            return
        back = next((c for c in cameras if c.lens_direction == fc.CameraLensDirection.BACK), cameras[0])
        await camera.current.initialize(back, fc.ResolutionPreset.MEDIUM, enable_audio=False)
        while True:
            await asyncio.sleep(CAMERA_INTERVAL_SECONDS)
            picture = await camera.current.take_picture()
            if not picture:
                continue
            try:
                code = await decode(picture)
            except ApiError as failure:
                if failure.status == 422:
                    continue  # no code in this picture yet
                on_message(user_message(failure, ui.t))
                return
            except Offline as failure:
                on_message(user_message(failure, ui.t))
                return
            await on_code(code)
            return

    ft.use_effect(scan, [], cleanup=lambda: None)  # a cleanup makes unmounting cancel the loop
    return ft.Container(fc.Camera(ref=camera, preview_enabled=True, expand=True), height=280,
                        border_radius=theme.RADIUS, bgcolor="#000000")
