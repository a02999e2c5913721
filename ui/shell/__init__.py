"""The shell: the controller, the sign-in and main windows, settings and account dialogs.

The one place that builds the pages and wires their signals.
"""
