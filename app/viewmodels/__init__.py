"""Pure functions from wire models to what a screen shows; no I/O, no Flet. The clock is passed in."""
