"""Messages for the demo area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
