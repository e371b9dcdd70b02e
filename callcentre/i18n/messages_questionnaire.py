"""Messages for the questionnaire area: key -> (Simplified Chinese, English)."""

MESSAGES: dict[str, tuple[str, str]] = {
}
