"""One router per resource: each page and its JSON twin (the same URL with ``.json``)."""
