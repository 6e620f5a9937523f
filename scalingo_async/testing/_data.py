"""Sample data for FakeScalingo: the spec documents' own example objects."""

from __future__ import annotations

from typing import Any

EVENT_CATEGORIES: list[dict[str, Any]] = [
    {"id": "5982f139d48c360021b1eb44", "name": "app_operations", "position": 1,
     "display_name": "App operations"},
    {"id": "5982f139d48c360021b1eb45", "name": "addons", "position": 2, "display_name": "Addons"},
]  # fmt: skip

EVENT_TYPES: list[dict[str, Any]] = [
    {"name": "app_deployed", "id": "5982f139d48c360021b1eb4b",
     "category_id": "5982f139d48c360021b1eb44", "display_name": "App deployed",
     "description": "An app was deployed"},
    {"display_name": "App restarted", "description": "An app was restarted",
     "name": "app_restarted", "id": "5982f139d48c360021b1eb4c",
     "category_id": "5982f139d48c360021b1eb44"},
    {"display_name": "Addon provisioned", "description": "An addon was provisioned",
     "name": "addon_provisioned", "id": "5982f139d48c360021b1eb4d",
     "category_id": "5982f139d48c360021b1eb45"},
]  # fmt: skip

PUSHER: dict[str, Any] = {
    "email": "user@example.com",
    "id": "54100245736f7563d5000000",
    "username": "john",
}
