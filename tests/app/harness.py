"""A headless Flet session: the real Page and component renderer, with a fake connection.

From tech-stack.md §2a. The connection msgpack-encodes every message (later diffs depend on the
encoder's snapshots), answers INVOKE_METHOD calls as a client would (push_route waits for it),
and records what the client was asked to do, e.g. URLs launched.
"""

from __future__ import annotations

import asyncio
import inspect
from concurrent.futures import ThreadPoolExecutor

import flet as ft
import msgpack
from flet.components.public_utils import unwrap_component
from flet.controls.context import _context_page, context
from flet.messaging.connection import Connection
from flet.messaging.protocol import (
    Message,
    MessageAction,
    RegisterClientResponseBody,
    configure_encode_object_for_msgpack,
)
from flet.messaging.session import Session
from flet.pubsub.pubsub_hub import PubSubHub


class FakeConnection(Connection):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[Message] = []
        self.invoked: list[tuple[str, dict]] = []
        self.loop = asyncio.get_running_loop()
        self.executor = ThreadPoolExecutor()
        self.pubsubhub = PubSubHub(loop=self.loop, executor=self.executor)
        self.page_url = "http://127.0.0.1/"
        self.page_name = ""
        self.session: Session | None = None
        self.tasks: set[asyncio.Future] = set()  # the loop holds tasks weakly: keep each until it is done

    def send_message(self, message: Message) -> None:
        msgpack.packb([message.action, message.body], default=configure_encode_object_for_msgpack(ft.BaseControl))
        self.messages.append(message)
        if message.action == MessageAction.INVOKE_METHOD:
            self.invoked.append((message.body.name, message.body.args))
            self.loop.call_soon(self._reply, message.body)

    def _reply(self, body) -> None:
        session = self.session
        session.handle_invoke_method_results(body.control_id, body.call_id, None, None)
        if body.name == "push_route":
            session.apply_page_patch({"route": body.args["route"]})
            task = asyncio.ensure_future(
                session.dispatch_event(session.page._i, "route_change", {"route": body.args["route"]}))
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)

    def oauth_authorize(self, attrs) -> None:
        self.invoked.append(("oauth_authorize", attrs))


class Harness:
    def __init__(self, session: Session, connection: FakeConnection, errors: list[dict]) -> None:
        self.session = session
        self.page = session.page
        self.connection = connection
        self.errors = errors  # exceptions that escaped into the event loop (a crashed render stops all updates)

    @classmethod
    async def start(cls, main, route: str = "/", *, web: bool = True, width: float = 412) -> Harness:
        """`web=False` plays a phone client (keystore, offline cache, deep-link sign-in)."""
        errors: list[dict] = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: errors.append(context))
        connection = FakeConnection()
        session = Session(connection)
        connection.session = session
        page = session.page
        _context_page.set(page)
        context.reset_auto_update()
        page.route = route
        page.web = web
        page.platform = ft.PagePlatform.LINUX if web else ft.PagePlatform.ANDROID
        page.width = width
        connection.send_message(Message(MessageAction.REGISTER_CLIENT, RegisterClientResponseBody(
            session_id=session.id, page_patch=session.get_page_patch(), error="")))
        result = main(page)
        if inspect.isawaitable(result):
            await result
        await session.after_event(page)
        harness = cls(session, connection, errors)
        await harness.settle()
        return harness

    async def settle(self, rounds: int = 10) -> None:
        """Let effects, tasks and re-renders run."""
        for _ in range(rounds):
            await asyncio.sleep(0.01)

    async def click(self, control: ft.BaseControl, event: str = "click", data=None) -> None:
        await self.session.dispatch_event(control._i, event, data)
        await self.settle()

    async def type_into(self, field: ft.TextField, text: str) -> None:
        await self.change(field, value=text)

    async def submit(self, field: ft.TextField, text: str) -> None:
        """Typing (or a barcode scanner typing) then Enter."""
        self.session.apply_patch(field._i, {"value": text})
        await self.click(field, "submit", text)

    async def change(self, control: ft.BaseControl, **props) -> None:
        """What a client does when the user edits a control: patch its props, then fire `change`."""
        self.session.apply_patch(control._i, props)
        await self.click(control, "change", next(iter(props.values())))

    async def navigate(self, route: str) -> None:
        await self.page.push_route(route)
        await self.settle()

    @property
    def state(self):
        """The AppState the app rendered with (the first argument of its root component)."""
        return self._root_args()[0]

    @property
    def session_service(self):
        return self._root_args()[1]

    def _root_args(self):
        root = self.page.views[0].controls
        return root.args

    def controls(self, cls=ft.BaseControl, predicate=lambda control: True) -> list:
        return [c for c in walk(self.page) if isinstance(c, cls) and predicate(c)]

    def texts(self) -> list[str]:
        found = []
        for control in walk(self.page):
            if isinstance(control, ft.Text):
                if control.value:
                    found.append(str(control.value))
                for span in control.spans or []:
                    if span.text:
                        found.append(span.text)
        return found

    def text_content(self) -> str:
        return "\n".join(self.texts())

    def images(self) -> list[ft.Image]:
        return [c for c in walk(self.page) if isinstance(c, ft.Image)]

    def by_identifier(self, identifier: str):
        matches = [c for c in walk(self.page) if getattr(c, "identifier", None) == identifier]
        return matches[0] if matches else None

    def button(self, label: str):
        """A button, icon button or clickable whose text or tooltip or semantic label is `label`."""
        for control in walk(self.page):
            for attribute in ("content", "text", "tooltip", "semantics_label", "label"):
                value = getattr(control, attribute, None)
                if isinstance(value, str) and value == label and hasattr(control, "on_click"):
                    return control
        raise LookupError(f"no control labelled {label!r}; texts: {self.texts()[:40]}")


_CHILD_ATTRIBUTES = (
    "controls", "content", "actions", "leading", "title", "subtitle", "trailing", "appbar", "navigation_bar",
    "destinations", "floating_action_button", "bottom_appbar", "tabs", "label_content", "icon",
)


def walk(control):
    control = unwrap_component(control)
    if isinstance(control, (list, tuple)):
        for child in control:
            yield from walk(child)
        return
    if not isinstance(control, ft.BaseControl):
        return
    yield control
    attributes = ("views", "overlay", "dialog") if isinstance(control, ft.Page) else _CHILD_ATTRIBUTES
    for attribute in attributes:
        child = getattr(control, attribute, None)
        if child is not None and not isinstance(child, str):
            yield from walk(child)
