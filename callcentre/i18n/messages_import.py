"""Messages for the import area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
