"""One module per caller screen: log-in, line, case card, interview, outcome, pause."""
