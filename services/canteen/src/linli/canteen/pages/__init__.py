"""Canteen pages (server-rendered, Jinja2 + htmx): the kiosk for elderly diners, the phone page for
office workers, and the counter and kitchen pages for staff. They call the domain services directly."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    from linli.canteen.pages.counter import order_pages as counter_order_pages
    from linli.canteen.pages.counter import pages as counter_pages
    from linli.canteen.pages.kiosk import pages as kiosk_pages
    from linli.canteen.pages.kitchen import pages as kitchen_pages
    from linli.canteen.pages.phone import pages as phone_pages

    return [kiosk_pages, phone_pages, counter_pages, counter_order_pages, kitchen_pages]
