"""A small typed event hub: a domain publishes a fact, the domains that care subscribe to it.

Each event is a frozen dataclass declared by the domain that publishes it (``people.events.PersonDied``,
``assessment.applications.events.ConclusionFinal`` …). Subscribers are added explicitly by each
domain's ``register(app)``, called from ``create_app``; nothing subscribes by being imported.
Publishing before ``create_app`` has wired the hub raises ``HubNotWired`` instead of silently
skipping the subscribers (a death that ends no entitlement is worse than a crash).

A handler is ``handler(session, event)``; it runs inside the publisher's transaction, in the
order of subscription, and may raise (the caller's transaction then rolls back as a whole).
"""
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

E = TypeVar("E")
Handler = Callable[[Session, Any], None]


class HubNotWired(RuntimeError):
    """An event was published before ``create_app`` registered the subscribers."""


class EventHub:
    def __init__(self) -> None:
        self._handlers: dict[type, list[Handler]] = {}
        self._wired = False

    def subscribe(self, event_type: type[E], handler: Callable[[Session, E], None]) -> None:
        """Add ``handler`` for ``event_type`` (idempotent: each app factory call subscribes again)."""
        handlers = self._handlers.setdefault(event_type, [])
        if handler not in handlers:
            handlers.append(handler)

    def mark_wired(self) -> None:
        self._wired = True

    @property
    def wired(self) -> bool:
        return self._wired

    def subscribers(self, event_type: type) -> tuple[Handler, ...]:
        return tuple(self._handlers.get(event_type, ()))

    def publish(self, session: Session, event: Any) -> None:
        if not self._wired:
            raise HubNotWired(f"{type(event).__name__} published before create_app() registered the "
                              "subscribers: call create_app() (or register the domains) first")
        for handler in self._handlers.get(type(event), ()):
            handler(session, event)


#: the application's hub (one per process; ``create_app`` wires it)
hub = EventHub()
subscribe = hub.subscribe
publish = hub.publish
