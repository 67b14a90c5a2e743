from .movenet import MoveNet, MoveNetWithDecode  # noqa: F401
