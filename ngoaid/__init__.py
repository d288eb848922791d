"""The wiring: the ``ngoaid`` command line and the HTTP server, the only code that puts the
assistant, the chat page (ui) and the evaluation (eval) together. Nothing below imports it."""
