"""HTML forms of the records app: they validate at the edge and produce typed values for one service call."""
