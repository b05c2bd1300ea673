"""Research analytics on exported (de-identified) or synthetic registry data."""
