"""bondflow: customs clearance and bonded-goods inventory workflows for bonded zones.

This package is the application: settings, the `bondflow` command, and (later)
the worker and the embedded-stack launcher.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("bondflow")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"
