"""Helpers shared by every script of this folder (one place, no copies).

Importing this package filters Paddle's import-time "No ccache found" warning (known harmless, issue 17);
the scripts also filter it in their first lines, since they import paddle before this package.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")
