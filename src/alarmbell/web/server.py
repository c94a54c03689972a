"""Running the web app: `alarmbell serve` calls `serve(settings)`."""

from __future__ import annotations

import uvicorn

from alarmbell.settings import Settings
from alarmbell.web.app import create_app


def serve(settings: Settings) -> None:
    """Serve the app on settings.host:settings.port until interrupted."""
    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")
