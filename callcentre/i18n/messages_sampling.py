"""Messages for the sampling area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
