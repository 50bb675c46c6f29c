"""The app's own traceback frames, without the plugin's or asyncio's.

A fault report must point at the user's code: the frames of the transport that
called the app, and of the event loop machinery around it, say nothing to them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import traceback
from typing import List

import pytest_cors

_HIDDEN_DIRS = tuple(
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep
    for module in (pytest_cors, asyncio, concurrent.futures)
    if module.__file__
) + (os.path.abspath(threading.__file__),)
#: At most this many of the innermost app frames are shown.
MAX_FRAMES = 12


def app_traceback(exc: BaseException) -> str:
    """``Traceback (the app's frames only)`` + the frames + ``Type: message``; empty without app frames."""
    frames: List[traceback.FrameSummary] = [
        frame
        for frame in traceback.extract_tb(exc.__traceback__)
        if not os.path.abspath(frame.filename).startswith(_HIDDEN_DIRS)
    ]
    if not frames:
        return ""
    lines = ["Traceback (the app's frames only):"]
    if len(frames) > MAX_FRAMES:
        lines.append(f"  ... {len(frames) - MAX_FRAMES} outer frames not shown")
        frames = frames[-MAX_FRAMES:]
    lines.extend(line.rstrip("\n") for line in traceback.format_list(frames))
    lines.extend(line.rstrip("\n") for line in traceback.format_exception_only(type(exc), exc))
    return "\n".join(lines)
