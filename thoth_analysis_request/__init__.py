"""The analysis request document (`requests/<analysis-id>.json`), defined once for the
server that writes it and the runner that reads it; imports neither of them."""
