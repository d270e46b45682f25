"""Keys typed ahead reach the screen they were typed for, in order: one key at a time.

Textual hands each key from the App to the focused widget (or the screen) through that widget's
own message queue; a key nothing handled bubbles back up, queue by queue, to the App, which only
then looks up the key bindings. Meanwhile the App goes on handing out the keys typed after it.
So a fast `ctrl+s n Hooli` went wrong twice: the letters reached the form's field before
`ctrl+s` (still bubbling) saved it, and saved them with it; and after `n` pushed a new form, the
`H` reached that form before its field had the focus, and was dropped.

`TypeAhead` holds every key the App receives until the one before it has finished its journey
(handled by a widget, or its binding run at the App), whatever that journey started has settled
(a `Submitted` message making its way up to the screen that saves), and the screen in front is
mounted with its focus set. Then it hands out the next, as Textual would have.

Must never drop or reorder a key, and never hold keys for good: a journey that cannot finish
(a widget removed with the key still in its queue) is given up after `GIVE_UP_AFTER` seconds.
It relies on two private details of Textual 8, checked by the type-ahead tests: a `Message`
remembers `_stop_propagation` and `_sender`, which decide whether it bubbled.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

GIVE_UP_AFTER = 2.0  # seconds without progress before a stuck journey stops holding keys

Deliver = Callable[[events.Event], Awaitable[None]]


def is_typed(event: events.Event) -> bool:
    """A key or a paste straight from the terminal (not one Textual is already passing on)."""
    return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded


def _bubbled(event: events.Event, parent: MessagePump) -> bool:
    """Whether `event`, just handled by a child of `parent`, went on up to it.

    Textual bubbles a message that was not stopped; one whose sender is the parent it is
    stopped *and* still handed to that parent (a key the App sent reaches the App once more).
    Following one hop too many only waits a little longer; one too few loses the key.
    """
    if not event.bubble:
        return False
    stopped = getattr(event, "_stop_propagation", False)
    return not stopped or getattr(event, "_sender", None) is parent


class TypeAhead:
    """The App's queue of keys typed ahead. `arrived` takes each raw key or paste; `deliver`
    is what the App would have done with it (`App.on_event`)."""

    def __init__(self, app: App[object], deliver: Deliver) -> None:
        self.app = app
        self.deliver = deliver
        self.waiting: deque[events.Event] = deque()
        self.current: events.Event | None = None
        self._watchdog: object | None = None

    @property
    def busy(self) -> bool:
        return self.current is not None

    async def arrived(self, event: events.Event) -> None:
        self.waiting.append(event)
        if not self.busy:
            await self._next()

    async def _next(self) -> None:
        while self.waiting and not self.busy:
            event = self.waiting.popleft()
            self.current = event
            self._arm_watchdog()
            target = self.app.focused or self.app.screen  # where Textual will send it
            await self.deliver(event)
            if self.current is not event:
                continue  # given up on meanwhile
            if event.is_forwarded:
                self._follow(event, target)
            else:  # a priority binding took it at the App: that was its whole journey
                self._settle(event)

    # --- following one key ---------------------------------------------------------------------

    def _follow(self, event: events.Event, node: MessagePump) -> None:
        """Once `node` has handled `event`: done if it stopped there, else follow it up."""

        def handled() -> None:
            if self.current is not event:
                return
            parent = node._parent
            if parent is not None and node is not self.app and _bubbled(event, parent):
                self._follow(event, parent)
            else:
                self._settle(event)

        if not node.call_later(handled):  # its queue is closed: the journey ends there
            self._settle(event)

    def _settle(self, event: events.Event) -> None:
        """The key's journey is over; wait for the screen in front to be ready for the next."""
        if self.current is not event:
            return
        screen = self.app.screen
        if not screen.is_mounted and screen.call_later(self._settle, event):
            return  # runs again once the screen has mounted
        for node in screen.walk_children(with_self=True):
            if node.message_queue_size and node.call_later(self._settle, event):
                return  # what the key set going (a Submitted, a focus) is still on its way
        # Through the App's own queue once more: a focus change it was asked for comes first.
        if not self.app.call_later(self._done, event):
            self._done_now(event)

    async def _done(self, event: events.Event) -> None:
        if self.current is not event:
            return
        self._done_now(event)
        await self._next()

    def _done_now(self, event: events.Event) -> None:
        self.current = None
        self._disarm_watchdog()

    # --- never holding keys for good ---------------------------------------------------------------

    def _arm_watchdog(self) -> None:
        self._disarm_watchdog()
        event = self.current
        self._watchdog = self.app.set_timer(GIVE_UP_AFTER, lambda: self._give_up(event))

    def _disarm_watchdog(self) -> None:
        timer = self._watchdog
        self._watchdog = None
        if timer is not None:
            timer.stop()  # type: ignore[attr-defined]

    async def _give_up(self, event: events.Event | None) -> None:
        if event is None or self.current is not event:
            return
        self._done_now(event)
        await self._next()
