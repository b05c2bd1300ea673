"""One input type per use case: frozen dataclasses whose fields carry units, ranges and sources.

``fields`` holds the field specs (``Number``, ``Text``, ``Choice``, ``Moment`` ...), ``base`` the ``InputType``
base that parses every field through its spec, and ``charting`` / ``registration`` the use cases. The clinic's
forms and API schemas are derived from these (``ketamine_trd.clinic.inputs``); nothing restates a range.
"""
