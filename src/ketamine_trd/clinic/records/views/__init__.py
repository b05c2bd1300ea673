"""Views of the records app: short functions (decorators, parse, one service call, render)."""
