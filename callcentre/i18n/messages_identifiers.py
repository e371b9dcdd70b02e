"""Messages for the identifiers area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
