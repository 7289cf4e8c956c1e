"""A `text/event-stream` decoder, as the HTML Living Standard's EventSource defines it."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
import re
from typing import Final

_BOM: Final = "\ufeff"
_END_OF_LINE: Final = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class ServerSentEvent:
    """One dispatched message: its event name (default `message`) and its data."""

    event: str
    data: str
    last_event_id: str


# The longest reconnection time a `retry:` field sets (the listener caps it further).
MAX_RETRY_MILLIS: Final = 86_400_000


class EventStreamDecoder:
    """Turns the bytes of an event stream into messages, chunk by chunk.

    Lines end with CRLF, LF or CR; a line starting with `:` is a comment; `field: value`
    loses one space after the colon; `data` lines join with newlines; `event` names the
    message; `id` sets the last event id (unless it holds NUL); `retry` (digits only)
    sets the reconnection time (a day at most); unknown fields are ignored; a blank
    line dispatches the message, unless no data came. A message whose data grows beyond
    `max_data` is dropped whole (counted in `oversized`) instead of growing the buffer
    without end (`max_data` counts characters).
    """

    def __init__(self, *, max_data: int) -> None:
        """Start at the beginning of a stream."""
        self._max_data = max_data
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._line = ""
        self._line_has_text = False
        self._after_cr = False
        self._started = False
        self._event = ""
        self._data: list[str] = []
        self._data_size = 0
        self._oversized_message = False
        self.last_event_id = ""
        self.retry: float | None = None
        """The reconnection time the server asked for, in seconds."""
        self.oversized = 0

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """Decode a chunk and return the messages it completes."""
        text = self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix(_BOM)
        if self._after_cr and text:
            # The previous chunk ended with CR: a LF right here belongs to it.
            self._after_cr = False
            text = text.removeprefix("\n")
        messages: list[ServerSentEvent] = []
        position = 0
        for end_of_line in _END_OF_LINE.finditer(text):
            self._take(text[position : end_of_line.start()])
            position = end_of_line.end()
            if (message := self._end_of_line()) is not None:
                messages.append(message)
        if position == len(text) and text.endswith("\r"):
            self._after_cr = True
        self._take(text[position:])
        return messages

    def _take(self, part: str) -> None:
        """Add text to the current line, unless the message is too large already."""
        if not part:
            return
        self._line_has_text = True
        if self._oversized_message:
            return
        if len(self._line) + len(part) + self._data_size > self._max_data:
            self._oversized_message = True
            self._line = ""
            return
        self._line += part

    def _end_of_line(self) -> ServerSentEvent | None:
        line, self._line = self._line, ""
        if self._line_has_text:
            self._line_has_text = False
            if not self._oversized_message:
                self._field(line)
            return None
        # A blank line: dispatch.
        if self._oversized_message:  # dispatching the truncated rest would mislead
            self.oversized += 1
            self._reset_message()
            return None
        if not self._data:
            self._event = ""
            return None
        message = ServerSentEvent(
            event=self._event or "message",
            data="\n".join(self._data),
            last_event_id=self.last_event_id,
        )
        self._reset_message()
        return message

    def _reset_message(self) -> None:
        self._event = ""
        self._data = []
        self._data_size = 0
        self._oversized_message = False

    def _field(self, line: str) -> None:
        if line.startswith(":"):
            return  # a comment
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
            self._data_size += len(value) + 1
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self.last_event_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            # Milliseconds, in as many digits as the server likes: a day at most.
            digits = value.lstrip("0")
            millis = int(digits or "0") if len(digits) <= 9 else MAX_RETRY_MILLIS
            self.retry = min(millis, MAX_RETRY_MILLIS) / 1000
